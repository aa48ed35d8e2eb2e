using UploadProxy.Fakes.Webhooks;
using UploadProxy.Grains;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Webhooks;

/// <summary>Two silos whose sessions deliver webhook events to a receiver the tests take down and bring back.</summary>
public sealed class WebhookClusterFixture : UploadSessionClusterFixture
{
    public string Secret { get; } = FakeWebhookReceiver.NewSecret();

    public FakeWebhookReceiver Receiver { get; private set; } = null!;

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        Receiver = await FakeWebhookReceiver.StartAsync(Secret);
        settings["Webhooks:Endpoints:0:Url"] = Receiver.Url.AbsoluteUri;
        settings["Webhooks:Secret"] = Secret;
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.100";
        settings["Webhooks:RetryMaxDelay"] = "00:00:01";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

public sealed class WebhookSiloKillTests(WebhookClusterFixture fixture) : IClassFixture<WebhookClusterFixture>
{
    private const int Sessions = 8;
    private const int MaxSessions = 64;

    [Fact]
    public async Task Events_owed_by_sessions_of_a_killed_silo_are_delivered_by_the_survivor_with_nobody_calling()
    {
        var grains = fixture.Cluster.Client;
        var receiver = fixture.Receiver;
        await receiver.GoDownAsync();
        var secondary = fixture.Cluster.Silos[1];
        var management = grains.GetGrain<IManagementGrain>(0);
        var sessions = new List<IUploadSessionGrain>();
        var onSecondary = 0;
        // Placement weighs the silos' load: sessions are opened until the silo this test kills holds some of them.
        for (var i = 0; (i < Sessions || onSecondary < 2) && i < MaxSessions; i++)
        {
            var session = await grains.StartUploadAsync(fixture.Staging, $"hooked-{i}.pdf", SamplePdf.Create(seed: 700 + i));
            sessions.Add(session);
            onSecondary += Equals(await management.GetActivationAddress(session), secondary.SiloAddress) ? 1 : 0;
        }

        Assert.True(onSecondary > 0, "placement put no session on the silo this test kills");
        foreach (var session in sessions)
        {
            var settled = await SessionWaits.UntilSettledAsync(session, TimeSpan.FromSeconds(60));
            Assert.Equal(SessionStatus.Uploaded, settled.Status);
            Assert.Equal(1, settled.Webhooks.Pending);
        }

        await fixture.Cluster.KillSiloAsync(secondary);
        await receiver.ComeBackAsync();

        var ids = sessions.Select(s => s.GetPrimaryKeyString()).ToList();
        await Eventually.UntilAsync(
            $"all {ids.Count} session.uploaded events to be accepted",
            () => ids.All(id => receiver.Accepted.Any(d => d.Type == "session.uploaded" && d.DataId == id)),
            TimeSpan.FromSeconds(90),
            () => $"{ids.Count(id => receiver.Accepted.Any(d => d.DataId == id))} of {ids.Count} accepted");
        Assert.All(receiver.Deliveries, d => Assert.True(d.SignatureValid));
        Assert.Equal(ids.Count, receiver.Accepted.Select(d => d.Id).Distinct().Count());
    }
}
