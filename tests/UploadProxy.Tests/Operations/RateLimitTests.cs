using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_key_past_its_rate_gets_429_with_retry_after_while_another_key_is_served()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = "busy-key";
        settings["Gateway:ApiKeys:1"] = "quiet-key";
        settings["Gateway:RequestsPerSecond"] = "0.5";
        settings["Gateway:RequestBurst"] = "3";
        await using var gateway = new GatewayFactory(settings);
        using var busy = gateway.CreateClient();
        busy.DefaultRequestHeaders.Add("X-Api-Key", "busy-key");
        using var quiet = gateway.CreateClient();
        quiet.DefaultRequestHeaders.Add("X-Api-Key", "quiet-key");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await busy.GetAsync("/api/batches"));
        }

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await Problems.AssertAsync(answers[3], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(answers[3].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/api/batches")).StatusCode);
    }
}
