using System.Net;
using UploadProxy.Fakes.Webhooks;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Webhooks;

public sealed class WebhookCrashTests
{
    private const int BatchSize = 12;

    [Fact]
    public async Task Events_owed_when_the_gateway_is_killed_are_all_delivered_after_restart_with_nobody_calling()
    {
        var secret = FakeWebhookReceiver.NewSecret();
        await using var receiver = await FakeWebhookReceiver.StartAsync(secret);
        var dataDirectory = TestSettings.NewDataDirectory();
        var settings = WebhookDeliveryTests.WebhookSettings(receiver, secret);
        settings["Standalone:DataDirectory"] = dataDirectory;
        // The product's own environment names, as an operator sets them.
        var environment = settings.Where(s => !s.Key.StartsWith("Webhooks:", StringComparison.Ordinal)).ToDictionary().AsEnvironment();
        environment["UPLOADPROXY_WEBHOOK_URLS"] = receiver.Url.AbsoluteUri;
        environment["UPLOADPROXY_WEBHOOK_SECRET"] = secret;
        environment["Webhooks__RetryBaseDelay"] = "00:00:00.100";
        environment["Webhooks__RetryMaxDelay"] = "00:00:01";
        environment["Webhooks__BatchQuietPeriod"] = "00:00:00.500";
        var batch = $"crash-{Guid.NewGuid():N}";

        // The endpoint is down: every event stays owed.
        await receiver.GoDownAsync();
        var sessions = new List<string>();
        await using (var first = await GatewayProcess.StartAsync(environment, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            // The whole batch is opened first, so it completes once, after its last document.
            for (var i = 0; i < BatchSize; i++)
            {
                sessions.Add(await client.CreateIdAsync(new { filename = $"owed-{i}.pdf", batch_id = batch }));
            }

            foreach (var (id, i) in sessions.Select((id, i) => (id, i)))
            {
                var (sent, _) = await client.SendAsync(id, SamplePdf.Create(seed: 990 + i));
                Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            }

            foreach (var id in sessions)
            {
                var owed = await client.WaitForAsync(id, s => s.GetProperty("webhooks").GetProperty("pending").GetInt32() == 1, TimeSpan.FromSeconds(30));
                Assert.Equal(0, owed.GetProperty("webhooks").GetProperty("delivered").GetInt32());
            }

            // Past the batch's quiet period, so that batch.completed is raised and owed too.
            await Task.Delay(TimeSpan.FromSeconds(2));
            await first.KillAsync();
        }

        await receiver.ComeBackAsync();
        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory);

        // Nobody calls the gateway: the durable reminders bring the sessions and the batch back to deliver.
        await Eventually.UntilAsync(
            $"all {BatchSize} session.uploaded events and batch.completed to be accepted",
            () => sessions.All(id => receiver.Accepted.Any(d => d.Type == "session.uploaded" && d.DataId == id))
                && receiver.Accepted.Any(d => d.Type == "batch.completed" && d.DataId == batch),
            TimeSpan.FromSeconds(90),
            () => $"{receiver.Accepted.Count} accepted\n{second.Output}");
        Assert.All(receiver.Deliveries, d => Assert.True(d.SignatureValid));
        Assert.Equal(BatchSize + 1, receiver.Accepted.Select(d => d.Id).Distinct().Count());
        Directory.Delete(dataDirectory, recursive: true);
    }
}
