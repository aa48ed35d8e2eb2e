using UploadProxy.Fakes;

namespace UploadProxy.Tests.Support;

/// <summary>The configuration a test gives the product: its own data folder and ports, fast retries, and the fake Cloudinary.</summary>
public static class TestSettings
{
    /// <summary>The sessions' first wait after a transient failure; it doubles after each failure, jitter taking off up to half.</summary>
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(100);

    public static Dictionary<string, string?> Standalone(string dataDirectory) => new()
    {
        ["Standalone:DataDirectory"] = dataDirectory,
        ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sessions:RetryBaseDelay"] = RetryBaseDelay.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Sessions:RetryMaxDelay"] = "00:00:01",
        ["Sessions:RecoveryInterval"] = "00:00:02",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static Dictionary<string, string?> WithCloudinary(this Dictionary<string, string?> settings, FakeCloudinaryServer cloudinary)
    {
        settings["Cloudinary:CloudName"] = cloudinary.CloudName;
        settings["Cloudinary:ApiKey"] = cloudinary.ApiKey;
        settings["Cloudinary:ApiSecret"] = cloudinary.ApiSecret;
        settings["Cloudinary:UploadPrefix"] = cloudinary.UploadPrefix.ToString();
        settings["Cloudinary:TransportRetries"] = "1";
        settings["Cloudinary:TransportRetryDelay"] = "00:00:00.050";
        return settings;
    }

    /// <summary>The same settings as a gateway process takes them from its environment (<c>Section__Key</c>).</summary>
    public static Dictionary<string, string?> AsEnvironment(this Dictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    public static string NewDataDirectory() =>
        Directory.CreateTempSubdirectory("uploadproxy-test-").FullName;
}
