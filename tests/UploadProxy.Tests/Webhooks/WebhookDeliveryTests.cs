using System.Net;
using System.Text.Json;
using UploadProxy.Fakes.Webhooks;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Webhooks;

/// <summary>
/// Events delivered to a real HTTP receiver on loopback that verifies every signature with the Standard Webhooks
/// library, answers 500 to a share of requests, and goes down for a while in the middle of a batch.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_event_of_a_batch_arrives_signed_through_500s_and_an_outage_each_500_retried_with_the_same_webhook_id()
    {
        var secret = FakeWebhookReceiver.NewSecret();
        await using var receiver = await FakeWebhookReceiver.StartAsync(secret, seed: 7);
        receiver.FailureShare = 0.3;
        await using var factory = new GatewayFactory(WebhookSettings(receiver, secret));
        var client = new UploadProxyClient(factory.CreateClient());
        var batch = $"hooks-{Guid.NewGuid():N}";

        // The whole batch is opened first, as a pipeline does, so it completes once, after its last document.
        var sessions = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sessions.Add(await client.CreateIdAsync(new { filename = $"scan-{i:D2}.pdf", batch_id = batch }));
        }

        foreach (var (id, i) in sessions.Select((id, i) => (id, i)))
        {
            if (i == 10)
            {
                // Down in the middle of the batch: its port closed, every delivery meets a refused connection.
                await receiver.GoDownAsync();
            }

            var (sent, _) = await client.SendAsync(id, SamplePdf.Create(seed: 900 + i));
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        // The uploads were not held up by the dead endpoint: every document is stored while it is still down.
        Assert.False(receiver.IsUp);
        var owed = await client.InfoAsync(sessions[^1]);
        Assert.Equal("uploaded", owed.Body.GetProperty("status").GetString());
        Assert.Equal(1, owed.Body.GetProperty("webhooks").GetProperty("pending").GetInt32());
        await receiver.ComeBackAsync();

        await Eventually.UntilAsync(
            "every session.uploaded and the batch.completed to be accepted",
            () => sessions.All(id => receiver.Accepted.Any(d => d.Type == "session.uploaded" && d.DataId == id))
                && receiver.Accepted.Any(d => d.Type == "batch.completed" && d.DataId == batch),
            Patience,
            () => $"{receiver.Accepted.Count} accepted of {receiver.Deliveries.Count} requests");

        var deliveries = receiver.Deliveries;
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"{d.Id}: signature refused by the receiver"));
        var failed = deliveries.Where(d => d.AnsweredStatus == 500).ToList();
        Assert.NotEmpty(failed);
        foreach (var refused in failed)
        {
            // Retried under the same webhook-id, with the same body, until accepted.
            var accepted = Assert.Single(receiver.Accepted, d => d.Id == refused.Id);
            Assert.Equal(refused.Body!.Value.GetRawText(), accepted.Body!.Value.GetRawText());
        }

        // One event per session, one for the batch; no id reused for another event.
        Assert.Equal(21, receiver.Accepted.Select(d => d.Id).Distinct().Count());
        Assert.Equal(21, receiver.Accepted.Select(d => (d.Type, d.DataId)).Distinct().Count());

        var uploaded = receiver.Accepted.First(d => d.DataId == sessions[0]).Body!.Value;
        Assert.True(DateTimeOffset.TryParse(uploaded.GetProperty("timestamp").GetString(), out _));
        var data = uploaded.GetProperty("data");
        Assert.Equal("upload_session", data.GetProperty("object").GetString());
        Assert.Equal("uploaded", data.GetProperty("status").GetString());
        var (_, info) = await client.InfoAsync(sessions[0]);
        Assert.Equal(info.GetProperty("url").GetString(), data.GetProperty("url").GetString());
        Assert.Equal(info.GetProperty("sha256").GetString(), data.GetProperty("sha256").GetString());

        var completed = receiver.Accepted.First(d => d.Type == "batch.completed").Body!.Value.GetProperty("data");
        Assert.Equal(20, completed.GetProperty("total").GetInt32());
        Assert.Equal(20, completed.GetProperty("counts").GetProperty("uploaded").GetInt32());

        // The session object tells what became of its events.
        var settled = await client.WaitForAsync(sessions[0], s => s.GetProperty("webhooks").GetProperty("pending").GetInt32() == 0, Patience);
        Assert.Equal(1, settled.GetProperty("webhooks").GetProperty("delivered").GetInt32());
        Assert.Equal(0, settled.GetProperty("webhooks").GetProperty("failed").GetInt32());

        var endpoints = JsonDocument.Parse(await client.Http.GetStringAsync("/api/webhooks")).RootElement.GetProperty("data");
        var endpoint = Assert.Single(endpoints.EnumerateArray());
        Assert.Equal(receiver.Url.AbsoluteUri, endpoint.GetProperty("endpoint").GetString());
        Assert.True(endpoint.GetProperty("failed_attempts").GetInt64() >= failed.Count);

        var metrics = await client.Http.GetStringAsync("/metrics");
        Assert.Contains("uploadproxy_webhooks_deliveries", metrics, StringComparison.Ordinal);
        Assert.Contains("outcome=\"retried\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sessions_webhook_url_must_be_on_an_allowed_host_and_an_endpoint_that_answers_410_gets_no_more_events()
    {
        var secret = FakeWebhookReceiver.NewSecret();
        await using var receiver = await FakeWebhookReceiver.StartAsync(secret);
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Webhooks:Secret"] = secret;
        settings["Webhooks:AllowedHosts:0"] = "127.0.0.1";
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.100";
        await using var factory = new GatewayFactory(settings);
        var client = new UploadProxyClient(factory.CreateClient());

        var (refused, _) = await client.CreateAsync(new { filename = "a.pdf", webhook_url = "http://169.254.169.254/latest/meta-data" });
        await Problems.AssertAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        var (notUrl, _) = await client.CreateAsync(new { filename = "a.pdf", webhook_url = "file:///etc/passwd" });
        await Problems.AssertAsync(notUrl, HttpStatusCode.BadRequest, "invalid_request");

        var (created, session) = await client.CreateAsync(new { filename = "own.pdf", webhook_url = receiver.Url.AbsoluteUri });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(receiver.Url.AbsoluteUri, session.GetProperty("webhook_url").GetString());
        var id = session.GetProperty("id").GetString()!;
        await client.SendAsync(id, SamplePdf.Create(seed: 950));
        await Eventually.UntilAsync("the session's own endpoint to get session.uploaded",
            () => receiver.Accepted.Any(d => d.Type == "session.uploaded" && d.DataId == id), Patience);
        Assert.All(receiver.Deliveries, d => Assert.True(d.SignatureValid));

        // 410 Gone: the endpoint asks for no more; the event counts as failed and is not sent again.
        receiver.Gone = true;
        var (_, second) = await client.CreateAsync(new { filename = "gone.pdf", webhook_url = receiver.Url.AbsoluteUri });
        var goneId = second.GetProperty("id").GetString()!;
        await client.SendAsync(goneId, SamplePdf.Create(seed: 951));
        var settled = await client.WaitForAsync(goneId, s => s.GetProperty("webhooks").GetProperty("failed").GetInt32() == 1, Patience);
        Assert.Equal(0, settled.GetProperty("webhooks").GetProperty("pending").GetInt32());
        Assert.Contains("410", settled.GetProperty("webhooks").GetProperty("last_error").GetString(), StringComparison.Ordinal);
        // Nothing is owed any more, so nothing is sent again: the one request was the 410.
        Assert.Equal(410, Assert.Single(receiver.Deliveries, d => d.DataId == goneId).AnsweredStatus);
    }

    internal static Dictionary<string, string?> WebhookSettings(FakeWebhookReceiver receiver, string secret)
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Webhooks:Endpoints:0:Url"] = receiver.Url.AbsoluteUri;
        settings["Webhooks:Secret"] = secret;
        settings["Webhooks:RetryBaseDelay"] = "00:00:00.100";
        settings["Webhooks:RetryMaxDelay"] = "00:00:01";
        settings["Webhooks:BatchQuietPeriod"] = "00:00:00.500";
        return settings;
    }
}
