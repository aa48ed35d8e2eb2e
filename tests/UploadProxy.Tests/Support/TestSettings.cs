using UploadProxy.Fakes;

namespace UploadProxy.Tests.Support;

/// <summary>The configuration a test gives the product: its own data folder and ports, fast retries, and the fake Cloudinary.</summary>
public static class TestSettings
{
    public static Dictionary<string, string?> Standalone(string dataDirectory) => new()
    {
        ["Standalone:DataDirectory"] = dataDirectory,
        ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sessions:RetryBaseDelay"] = "00:00:00.100",
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

    public static string NewDataDirectory() =>
        Directory.CreateTempSubdirectory("uploadproxy-test-").FullName;
}
