using System.Globalization;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Hosting;

/// <summary>
/// A cluster stores documents on Cloudinary: a document kept on one silo's disk would get a URL that no gateway serves,
/// so gateways and silos of an AdoNet cluster without Cloudinary refuse to start, and say why.
/// </summary>
public sealed class ClusterStorageRefusalTests
{
    private const string Refusal = "Cluster:Clustering is AdoNet but Cloudinary is not configured";

    [Fact]
    public async Task A_gateway_of_a_cluster_without_cloudinary_refuses_to_start_and_says_why()
    {
        var dataDirectory = TestSettings.NewDataDirectory();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayProcess.StartAsync(ClusterWithoutCloudinary(dataDirectory), dataDirectory));
        Assert.Contains(Refusal, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_without_cloudinary_refuses_to_start_and_says_why()
    {
        var dataDirectory = TestSettings.NewDataDirectory();
        await using var silo = SiloProcess.Start(ClusterWithoutCloudinary(dataDirectory), dataDirectory);
        Assert.True(await silo.ExitsWithinAsync(TimeSpan.FromSeconds(60)), $"The silo still runs:\n{silo.Output}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains(Refusal, silo.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> ClusterWithoutCloudinary(string dataDirectory) => new()
    {
        ["Cluster__Clustering"] = "AdoNet",
        // Never reached: the process refuses before it connects to anything.
        ["Cluster__ConnectionString"] = "Host=127.0.0.1;Port=1;Database=uploadproxy;Username=uploadproxy",
        ["CLOUDINARY_URL"] = "",
        ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
        ["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };
}
