using UploadProxy.Hosting;

namespace UploadProxy.Tests.Unit;

public sealed class ConfigurationTests
{
    [Fact]
    public void The_original_apps_cloudinary_url_fills_the_cloudinary_section()
    {
        var values = UploadProxyConfiguration.ReadEnvironment(name => name == "CLOUDINARY_URL" ? "cloudinary://1234:s3cr%40t@my-cloud" : null);

        Assert.Equal("my-cloud", values["Cloudinary:CloudName"]);
        Assert.Equal("1234", values["Cloudinary:ApiKey"]);
        Assert.Equal("s3cr@t", values["Cloudinary:ApiSecret"]);
    }

    [Fact]
    public void The_original_apps_separate_names_work_unchanged()
    {
        var environment = new Dictionary<string, string>
        {
            ["CLOUDINARY_CLOUD_NAME"] = "cloud",
            ["CLOUDINARY_API_KEY"] = "key",
            ["CLOUDINARY_API_SECRET"] = "secret",
            ["UPLOADPROXY_MAX_DOCUMENT_BYTES"] = "1000",
        };

        var values = UploadProxyConfiguration.ReadEnvironment(name => environment.GetValueOrDefault(name));

        Assert.Equal("cloud", values["Cloudinary:CloudName"]);
        Assert.Equal("secret", values["Cloudinary:ApiSecret"]);
        Assert.Equal("1000", values["Gateway:MaxDocumentBytes"]);
    }

    [Fact]
    public void Write_keys_read_keys_and_the_open_network_switch_come_from_their_environment_names()
    {
        var environment = new Dictionary<string, string>
        {
            ["UPLOADPROXY_API_KEYS"] = "w1, w2",
            ["UPLOADPROXY_READ_KEYS"] = "r1",
            ["UPLOADPROXY_ALLOW_OPEN_NETWORK"] = "true",
        };

        var values = UploadProxyConfiguration.ReadEnvironment(name => environment.GetValueOrDefault(name));

        Assert.Equal("w2", values["Gateway:ApiKeys:1"]);
        Assert.Equal("r1", values["Gateway:ReadKeys:0"]);
        Assert.False(values.ContainsKey("Gateway:ReadKeys:1"));
        Assert.Equal("true", values["Gateway:AllowOpenNetworkWithoutKeys"]);
    }

    [Fact]
    public void A_malformed_cloudinary_url_is_refused_without_echoing_the_secret()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            UploadProxyConfiguration.ReadEnvironment(name => name == "CLOUDINARY_URL" ? "https://key:topsecret@cloud" : null));

        Assert.DoesNotContain("topsecret", error.Message);
    }
}
