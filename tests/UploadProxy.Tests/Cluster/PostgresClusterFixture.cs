using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.TestingHost;
using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

/// <summary>Three silos whose state, reminders and staged bytes are all in one PostgreSQL database (membership is the test cluster's).</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public NpgsqlDataSource Database { get; private set; } = null!;
    public PostgresStagingStore Staging { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.SharedAsync();
        var connectionString = await server.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(connectionString);
        Staging = new PostgresStagingStore(Database);
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithCloudinary(Cloudinary);
        settings["Cluster:Clustering"] = "AdoNet";
        settings["Cluster:ConnectionString"] = connectionString;
        settings["Sessions:StagingSweepInterval"] = "00:00:01";
        settings["Sessions:StagingOrphanAge"] = "00:00:05";

        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddUploadProxyServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPostgresPersistence(connectionString);
            silo.Services.AddHostedService<StagingSweeper>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public Task<StagedDocument> StageAsync(string sessionId, byte[] document) => Staging.StageAsync(sessionId, document);

    public async Task<long> StagedDocumentCountAsync()
    {
        await using var count = Database.CreateCommand("SELECT count(*) FROM staged_documents");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Cloudinary.DisposeAsync();
        await Database.DisposeAsync();
    }
}
