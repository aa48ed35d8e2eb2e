using UploadProxy.Fakes;
using UploadProxy.Fakes.Webhooks;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Webhooks;

public sealed class WebhookOrderTests
{
    [Fact]
    public async Task A_sessions_events_arrive_in_the_order_it_raised_them_even_when_the_first_is_refused()
    {
        var secret = FakeWebhookReceiver.NewSecret();
        await using var receiver = await FakeWebhookReceiver.StartAsync(secret, seed: 11);
        // Half of the requests fail: without ordering, a session's linked event would often overtake its uploaded one.
        receiver.FailureShare = 0.5;
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20, Burst = 20 });
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var settings = WebhookDeliveryTests.WebhookSettings(receiver, secret).WithNotion(notion, database, "2025-09-03", 15);
        await using var factory = new GatewayFactory(settings);
        var client = new UploadProxyClient(factory.CreateClient());

        var sessions = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var id = await client.CreateIdAsync(new { filename = $"ordered-{i}.pdf" });
            await client.SendAsync(id, SamplePdf.Create(seed: 970 + i));
            sessions.Add(id);
        }

        await Eventually.UntilAsync(
            "every session's uploaded and linked events to be accepted",
            () => sessions.All(id => receiver.Accepted.Count(d => d.DataId == id) >= 2),
            TimeSpan.FromSeconds(60),
            () => $"{receiver.Accepted.Count} accepted of {receiver.Deliveries.Count} requests");

        Assert.Contains(receiver.Deliveries, d => d.AnsweredStatus == 500);
        foreach (var id in sessions)
        {
            // The receiver sees the linked event only once it has accepted the uploaded one.
            var seen = receiver.Deliveries.Where(d => d.DataId == id).ToList();
            var uploadedAccepted = seen.FindIndex(d => d.Type == "session.uploaded" && d.AnsweredStatus == 204);
            var firstLinked = seen.FindIndex(d => d.Type == "session.linked");
            Assert.True(uploadedAccepted >= 0 && uploadedAccepted < firstLinked, $"{id}: {string.Join(", ", seen.Select(d => $"{d.Type}:{d.AnsweredStatus}"))}");
            var linked = seen[firstLinked].Body!.Value.GetProperty("data");
            Assert.Equal("linked", linked.GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(linked.GetProperty("notion").GetProperty("page_id").GetString()));
        }
    }
}
