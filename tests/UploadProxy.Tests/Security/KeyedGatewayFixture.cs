using Microsoft.AspNetCore.Mvc.Testing;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>A gateway with one write key, one read key and a list of allowed host names.</summary>
public sealed class KeyedGatewayFixture : IAsyncLifetime
{
    public const string WriteKey = "security-write-key";
    public const string ReadKey = "security-read-key";
    public const string Host = "uploads.example.com";

    public GatewayFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = WriteKey;
        settings["Gateway:ReadKeys:0"] = ReadKey;
        settings["Gateway:AllowedHosts:0"] = Host;
        settings["Gateway:AllowedHosts:1"] = "*.corp.example";
        Factory = new GatewayFactory(settings);
        return Task.CompletedTask;
    }

    /// <summary>A client presenting <paramref name="key"/> (none when null) to <paramref name="host"/>.</summary>
    public HttpClient ClientFor(string? key, string host = Host)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}") });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
