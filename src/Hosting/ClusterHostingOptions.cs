using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Hosting;

public enum ClusteringMode
{
    /// <summary>One machine: the gateway hosts its own silo, with embedded storage under the data folder.</summary>
    Localhost,

    /// <summary>A real cluster: separate silos and gateways sharing PostgreSQL through Orleans' ADO.NET providers.</summary>
    AdoNet,
}

/// <summary>Which cluster a process joins, and how.</summary>
public sealed class ClusterHostingOptions : IValidatableObject
{
    public const string SectionName = "Cluster";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    /// <summary>PostgreSQL connection string (Npgsql format) for membership, grain state, reminders and staged bytes.</summary>
    public string? ConnectionString { get; set; }

    [Required]
    public string ClusterId { get; set; } = "uploadproxy";

    [Required]
    public string ServiceId { get; set; } = "uploadproxy";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; loopback when unset.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>On Kubernetes, the silo takes its identity and address from its pod (Microsoft.Orleans.Hosting.Kubernetes).</summary>
    public bool Kubernetes { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Clustering == ClusteringMode.AdoNet && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Cluster:Clustering is AdoNet: set Cluster:ConnectionString to the PostgreSQL database.", [nameof(ConnectionString)]);
        }

        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            yield return new ValidationResult("Cluster:AdvertisedAddress must be an IP address.", [nameof(AdvertisedAddress)]);
        }
    }
}
