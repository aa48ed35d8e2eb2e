using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Integrations.Documents;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Sessions;

/// <summary>Two silos linking into the fake Notion, whose PDF inspector never returns: the silo reading the PDF is killed.</summary>
public sealed class InspectionCrashFixture : UploadSessionClusterFixture
{
    public HangingInspector Inspector { get; } = new();

    public FakeNotionServer Notion { get; private set; } = null!;

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        Notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20, Burst = 2 });
        settings.WithNotion(Notion, Notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents), "2022-06-28", requestsPerSecond: 15);
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IDocumentInspector>(Inspector);

    public override async Task DisposeAsync()
    {
        Inspector.Release();
        await base.DisposeAsync();
        await Notion.DisposeAsync();
    }

    /// <summary>Stands for a PDF that takes its process down: the call never comes back, as after a stack overflow.</summary>
    public sealed class HangingInspector : IDocumentInspector
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task Entered => _entered.Task;

        public PdfSummary? Inspect(Stream pdf, int maxTextLength)
        {
            Interlocked.Increment(ref _calls);
            _entered.TrySetResult();
            _released.Task.Wait();
            throw new InvalidOperationException("The silo that ran this inspection was killed.");
        }

        public void Release() => _released.TrySetResult();
    }
}

public sealed class InspectionCrashTests(InspectionCrashFixture fixture) : IClassFixture<InspectionCrashFixture>
{
    [Fact]
    public async Task A_pdf_whose_inspection_kills_its_silo_is_not_read_again_and_is_linked_without_its_facts()
    {
        var grains = fixture.Cluster.Client;
        var session = await grains.StartUploadAsync(fixture.Staging, "hostile.pdf", SamplePdf.Create(seed: 900));
        var id = session.GetPrimaryKeyString();

        await fixture.Inspector.Entered.WaitAsync(TimeSpan.FromSeconds(60));
        var host = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(session);
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.Silos.First(s => s.SiloAddress.Equals(host)));

        var linked = await UntilAsync(session, s => s.Status is SessionStatus.Linked or SessionStatus.Failed);

        Assert.Equal(SessionStatus.Linked, linked.Status);
        Assert.Equal("inspection_abandoned", linked.Error?.Code);
        Assert.Null(linked.PageCount);
        Assert.Equal(1, fixture.Inspector.Calls);
        var row = Assert.Single(fixture.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(linked.Notion.PageId, row.Id);
        Assert.Null(row.Text("Pages"));
        await fixture.AssertUnstagedAsync(StagingKeyOf(id));
    }

    private static string StagingKeyOf(string id) => $"{id}-{SamplePdf.Sha256(SamplePdf.Create(seed: 900))}";

    private static async Task<UploadSessionSnapshot> UntilAsync(IUploadSessionGrain session, Func<UploadSessionSnapshot, bool> done)
    {
        // The survivor declares the dead silo dead, then the reminder resumes the session: well within two minutes.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                var snapshot = (await session.GetAsync())!;
                if (done(snapshot))
                {
                    return snapshot;
                }

                Assert.True(DateTime.UtcNow < deadline, $"The session did not settle within two minutes: {snapshot.Status}, {snapshot.Error}");
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
            {
                // The dead silo's activation is still in the directory.
            }

            await Task.Delay(250);
        }
    }
}
