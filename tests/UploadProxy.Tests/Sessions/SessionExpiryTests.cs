using System.Net;
using System.Text.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Sessions;

public sealed class SessionExpiryTests
{
    [Fact]
    public async Task An_abandoned_session_expires_by_itself_and_its_batch_reaches_the_end()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Sessions:PendingLifetime"] = "00:00:02";
        await using var factory = new GatewayFactory(settings);
        var client = new UploadProxyClient(factory.CreateClient());
        var batch = $"abandoned-{Guid.NewGuid():N}";
        for (var i = 0; i < 2; i++)
        {
            var id = await client.CreateIdAsync(new { filename = $"sent-{i}.pdf", batch_id = batch });
            var (sent, _) = await client.SendAsync(id, SamplePdf.Create(seed: 700 + i));
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        var abandoned = await client.CreateIdAsync(new { filename = "never-sent.pdf", batch_id = batch });

        // Only the batch is read: nobody asks the abandoned session, so it must end on its own.
        var counts = await UntilAsync(async () =>
        {
            var response = await client.Http.GetAsync($"/api/batches/{batch}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            var counts = body.GetProperty("counts");
            return (counts.GetProperty("expired").GetInt32() == 1, counts);
        });

        Assert.Equal(2, counts.GetProperty("uploaded").GetInt32());
        Assert.Equal(0, counts.GetProperty("pending").GetInt32());
        var (_, session) = await client.InfoAsync(abandoned);
        Assert.Equal("expired", session.GetProperty("status").GetString());
        Assert.Equal("session_expired", session.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task<T> UntilAsync<T>(Func<Task<(bool Done, T Value)>> probe)
    {
        // Far more than the 2 s lifetime and the reminder's 2 s period, so a loaded machine cannot make it fail.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (done, value) = await probe();
            if (done)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not reached within 60 s; last seen: {value}");
            await Task.Delay(200);
        }
    }
}
