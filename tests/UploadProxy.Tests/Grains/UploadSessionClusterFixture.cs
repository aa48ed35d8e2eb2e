using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Hosting;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Grains;

/// <summary>Two silos sharing the embedded store and the staging folder, storing on the fake Cloudinary.</summary>
public class UploadSessionClusterFixture : IAsyncLifetime
{
    private string _dataDirectory = null!;

    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public FileSystemStagingStore Staging { get; private set; } = null!;
    public FileSystemUploadPartStore Parts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        _dataDirectory = TestSettings.NewDataDirectory();
        var settings = TestSettings.Standalone(_dataDirectory).WithCloudinary(Cloudinary);
        settings["Sessions:StagingSweepInterval"] = "00:00:01";
        settings["Sessions:StagingOrphanAge"] = "00:00:05";
        // Tests hold Cloudinary's answers for every session they open (up to 64 on one silo when placement is skewed);
        // each held upload keeps its slot, so the limit must not make those sessions wait.
        settings["Cloudinary:MaxConcurrentUploads"] = "128";
        await ConfigureAsync(settings);
        Staging = new FileSystemStagingStore(Path.Combine(_dataDirectory, "staging"));
        Parts = new FileSystemUploadPartStore(Path.Combine(_dataDirectory, "staging"));

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            ConfigureServices(host.Services);
            host.Services.AddUploadProxyServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddEmbeddedPersistence();
            silo.Services.AddHostedService<StagingSweeper>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Where a derived fixture adds its own settings and fakes before the silos start.</summary>
    protected virtual Task ConfigureAsync(Dictionary<string, string?> settings) => Task.CompletedTask;

    /// <summary>Where a derived fixture puts its own services before the product's, which only fill what is missing.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public Task<StagedDocument> StageAsync(string sessionId, byte[] document) => Staging.StageAsync(sessionId, document);

    private bool IsStaged(string stagingKey) => File.Exists(Path.Combine(_dataDirectory, "staging", stagingKey + ".pdf"));

    /// <summary>
    /// Waits for staged bytes to go: at once normally, or at the next sweep after a silo died holding them. Fails the
    /// test if they are still there after 30 s.
    /// </summary>
    public Task AssertUnstagedAsync(string stagingKey) =>
        Eventually.UntilAsync($"the staged bytes {stagingKey} to be deleted", () => !IsStaged(stagingKey), TimeSpan.FromSeconds(30));

    /// <summary>Whether the session's tus part is on disk.</summary>
    public bool HasPart(string sessionId) => File.Exists(Path.Combine(_dataDirectory, "staging", "tus", sessionId + ".part"));

    /// <summary>Writes a part for the session as a PATCH would, last written long before the orphan age, as a crash leaves one.</summary>
    public async Task WriteOldPartAsync(string sessionId, byte[] bytes)
    {
        await using (var writer = await Parts.OpenAtAsync(sessionId, 0, CancellationToken.None))
        {
            await writer.WriteAsync(bytes, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        File.SetLastWriteTimeUtc(Path.Combine(_dataDirectory, "staging", "tus", sessionId + ".part"), DateTime.UtcNow.AddHours(-2));
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Cloudinary.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
