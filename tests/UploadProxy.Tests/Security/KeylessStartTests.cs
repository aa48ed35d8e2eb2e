using System.Globalization;
using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>A gateway without keys listens on loopback only, however its addresses are given, unless told otherwise.</summary>
public sealed class KeylessStartTests : IDisposable
{
    private readonly List<string> _dataDirectories = [];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("ASPNETCORE_HTTP_PORTS", "{0}")]
    [InlineData("ASPNETCORE_HTTPS_PORTS", "{0}")]
    [InlineData("HTTP_PORTS", "{0}")]
    [InlineData("ASPNETCORE_URLS", "http://+:{0}")]
    [InlineData("Kestrel__Endpoints__Web__Url", "http://0.0.0.0:{0}")]
    public async Task Without_keys_a_port_beyond_loopback_in_the_environment_stops_the_gateway_with_what_to_set(string variable, string value)
    {
        var environment = Environment();
        environment[variable] = string.Format(CultureInfo.InvariantCulture, value, FreePort.Next());

        var (exitCode, output) = await GatewayProcess.RunUntilExitAsync(environment, environment["UPLOADPROXY_DATA_DIR"]!, [], Patience);

        Assert.Equal(2, exitCode);
        AssertSaysHowToFix(output);
    }

    [Fact]
    public async Task Without_keys_urls_on_every_interface_stop_the_gateway()
    {
        var environment = Environment();

        var (exitCode, output) = await GatewayProcess.RunUntilExitAsync(
            environment, environment["UPLOADPROXY_DATA_DIR"]!, ["--urls", $"http://0.0.0.0:{FreePort.Next()}"], Patience);

        Assert.Equal(2, exitCode);
        AssertSaysHowToFix(output);
    }

    [Fact]
    public async Task A_container_port_overridden_by_loopback_urls_starts_as_the_host_would_bind_loopback_only()
    {
        var environment = Environment();
        environment["ASPNETCORE_HTTP_PORTS"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        await using var gateway = await GatewayProcess.StartAsync(environment, environment["UPLOADPROXY_DATA_DIR"]!);
        using var http = new HttpClient { BaseAddress = gateway.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/batches")).StatusCode);
    }

    [Fact]
    public async Task The_open_network_setting_starts_on_every_interface_and_warns()
    {
        var environment = Environment();
        environment["UPLOADPROXY_ALLOW_OPEN_NETWORK"] = "true";
        var port = FreePort.Next();

        await using var gateway = await GatewayProcess.StartAsync(
            environment, environment["UPLOADPROXY_DATA_DIR"]!, new Uri($"http://127.0.0.1:{port}"), ["--urls", $"http://0.0.0.0:{port}"]);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        http.DefaultRequestHeaders.Host = "uploads.example.com";

        // Open on purpose: another host name is served too, and no key is asked.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/batches")).StatusCode);
        await Eventually.UntilAsync(
            "the warning that the network is open without keys",
            () => Task.FromResult(gateway.Output),
            output => output.Split('\n').Any(line => line.Contains("warn:", StringComparison.Ordinal) && line.Contains("AllowOpenNetworkWithoutKeys is on", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        foreach (var directory in _dataDirectories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a stopping process; the temp folder is cleaned by the OS.
            }
        }
    }

    private Dictionary<string, string?> Environment()
    {
        var dataDirectory = TestSettings.NewDataDirectory();
        _dataDirectories.Add(dataDirectory);
        var environment = TestSettings.Standalone(dataDirectory).AsEnvironment();
        environment["UPLOADPROXY_DATA_DIR"] = dataDirectory;
        return environment;
    }

    private static void AssertSaysHowToFix(string output)
    {
        Assert.Contains("Refusing to start", output, StringComparison.Ordinal);
        Assert.Contains("UPLOADPROXY_API_KEYS", output, StringComparison.Ordinal);
        Assert.Contains("--urls http://127.0.0.1", output, StringComparison.Ordinal);
        Assert.Contains("UPLOADPROXY_ALLOW_OPEN_NETWORK=true", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }
}
