using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>A gateway storing on the fake Cloudinary and linking into the fake Notion (data-source API version).</summary>
public sealed class NotionGatewayFixture : IAsyncLifetime
{
    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public FakeNotionServer Notion { get; private set; } = null!;
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        Notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20, Burst = 2, QueryIndexLag = TimeSpan.FromSeconds(1) });
        var database = Notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory())
            .WithCloudinary(Cloudinary)
            .WithNotion(Notion, database, "2025-09-03", requestsPerSecond: 10);
        Factory = new GatewayFactory(settings);
        Client = new UploadProxyClient(Factory.CreateClient());
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Notion.DisposeAsync();
        await Cloudinary.DisposeAsync();
    }
}
