using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Batches;

/// <summary>A one-machine gateway storing locally, whose CSV export reads a batch two sessions at a time.</summary>
public sealed class BatchExportGatewayFixture : IAsyncLifetime
{
    /// <summary>Smaller than the batches the tests export, so every export spans several pages.</summary>
    public const int ExportPageSize = 2;

    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ExportPageSize"] = ExportPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Factory = new GatewayFactory(settings);
        Client = new UploadProxyClient(Factory.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
