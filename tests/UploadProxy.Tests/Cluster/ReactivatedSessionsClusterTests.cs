using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Hosting;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

/// <summary>Sessions on two silos whose state is in PostgreSQL, read back after every activation was collected.</summary>
public sealed class ReactivatedSessionsClusterTests
{
    private const int SessionCount = 20;

    [Fact]
    public async Task Sessions_reactivated_from_postgresql_each_answer_their_own_notion_row_and_the_shared_default_is_untouched()
    {
        var server = await PostgresServer.SharedAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20, Burst = 2 });
        // A cluster stores on Cloudinary: it refuses to start with local storage.
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory())
            .WithCloudinary(cloudinary)
            .WithNotion(notion, notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents), "2022-06-28", requestsPerSecond: 15);
        settings["Cluster:Clustering"] = "AdoNet";
        settings["Cluster:ConnectionString"] = connectionString;
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddUploadProxyServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) => silo.AddPostgresPersistence(connectionString));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await using var database = Npgsql.NpgsqlDataSource.Create(connectionString);
        var staging = new PostgresStagingStore(database);

        var grains = cluster.Client;
        var rows = new Dictionary<string, string>();
        for (var i = 0; i < SessionCount; i++)
        {
            var session = await grains.StartUploadAsync(staging, $"reactivated-{i:D2}.pdf", SamplePdf.Create(seed: 200 + i));
            rows[session.GetPrimaryKeyString()] = "";
        }

        foreach (var id in rows.Keys.ToList())
        {
            var linked = await UntilLinkedAsync(grains.GetGrain<IUploadSessionGrain>(id));
            Assert.Equal(SessionStatus.Linked, linked.Status);
            rows[id] = linked.Notion.PageId!;
        }

        var management = grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.DoesNotContain(await management.GetSimpleGrainStatistics(), s => s.GrainType.Contains("UploadSessionGrain", StringComparison.Ordinal) && s.ActivationCount > 0);

        foreach (var id in rows.Keys)
        {
            await grains.GetGrain<IUploadSessionGrain>(id).GetAsync();
        }

        // Asked again once every session is active, as a dashboard polls.
        var answered = new Dictionary<string, UploadSessionSnapshot>();
        foreach (var id in rows.Keys)
        {
            answered[id] = (await grains.GetGrain<IUploadSessionGrain>(id).GetAsync())!;
        }

        Assert.Equal(SessionCount, notion.Pages.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(NotionLinkStatus.Linked, answered[r.Key].Notion.Status);
            Assert.Equal(r.Value, answered[r.Key].Notion.PageId);
            Assert.Equal(r.Key, notion.Pages.Single(p => p.Id == r.Value).Text("Session ID"));
        });
        Assert.Equal(new NotionLink(NotionLinkStatus.Disabled, null, null), NotionLink.Disabled);
    }

    private static async Task<UploadSessionSnapshot> UntilLinkedAsync(IUploadSessionGrain session) =>
        (await Eventually.UntilAsync(
            $"session {session.GetPrimaryKeyString()} to be linked or failed",
            session.GetAsync,
            snapshot => snapshot?.Status is SessionStatus.Linked or SessionStatus.Failed,
            TimeSpan.FromSeconds(60)))!;
}
