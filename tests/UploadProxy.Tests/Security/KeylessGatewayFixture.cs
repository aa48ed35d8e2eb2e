using Microsoft.AspNetCore.Mvc.Testing;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>A gateway with no key, as <c>dotnet run</c> starts it: loopback only.</summary>
public sealed class KeylessGatewayFixture : IAsyncLifetime
{
    public GatewayFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Factory = new GatewayFactory(TestSettings.Standalone(TestSettings.NewDataDirectory()));
        return Task.CompletedTask;
    }

    /// <summary>A client whose requests carry <c>Host: <paramref name="host"/></c>.</summary>
    public HttpClient ClientFor(string host) =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}") });

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
