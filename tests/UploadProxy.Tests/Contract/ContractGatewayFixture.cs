using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using UploadProxy.Persistence;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>
/// The one-machine product (local storage) with a public base URL of its own, a staging store a test can make fail,
/// captured logs, a meter of the body bytes read, and a fake clock for the product's own time (Orleans' timers keep real time).
/// </summary>
public sealed class ContractGatewayFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://uploads.example.org";

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public CapturedLogs Logs { get; } = new();

    /// <summary>What the gateway read of each request's body.</summary>
    public RequestBodyMeter BodyMeter { get; } = new();

    public FaultyStagingStore Staging { get; private set; } = null!;
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Standalone:PublicBaseUrl"] = PublicBaseUrl;
        Factory = new GatewayFactory(settings, Logs, services => services
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<IStartupFilter>(BodyMeter)
            .UseTimeProviderForBackgroundAreas(TimeProvider.System)
            .AddSingleton<IDocumentStagingStore>(sp => Staging = new FaultyStagingStore(
                new FileSystemStagingStore(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.StagingDirectory))));
        Client = new UploadProxyClient(Factory.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The contract's tests share one gateway: they run one after another, each with keys and sessions of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ContractCollection : ICollectionFixture<ContractGatewayFixture>
{
    public const string Name = "Contract";
}
