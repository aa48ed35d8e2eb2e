using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>A gateway storing on the fake Cloudinary and linking into the fake Notion (data-source API version).</summary>
public sealed class NotionGatewayFixture : IAsyncLifetime
{
    /// <summary>Notion's own limit: an average of 3 requests per second per integration, with a burst of 3.</summary>
    public const double NotionRequestsPerSecond = 3;

    /// <summary>The product's pace, under Notion's limit with room for a request that leaves late on a busy machine.</summary>
    public const double RequestsPerSecond = 2.5;

    /// <summary>How long the fake keeps a new row out of queries: longer than a session's first backoff, so its first lookup misses.</summary>
    public static readonly TimeSpan FakeIndexLag = TimeSpan.FromSeconds(2);

    /// <summary>What the product assumes (<c>Notion:QueryIndexLag</c>), counted from the end of a failed create: 2 s of margin.</summary>
    public static readonly TimeSpan ProductIndexLag = TimeSpan.FromSeconds(4);

    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public FakeNotionServer Notion { get; private set; } = null!;
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        Notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = NotionRequestsPerSecond, Burst = 3, QueryIndexLag = FakeIndexLag });
        var database = Notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory())
            .WithCloudinary(Cloudinary)
            .WithNotion(Notion, database, "2025-09-03", RequestsPerSecond);
        settings["Notion:QueryIndexLag"] = ProductIndexLag.ToString();
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
