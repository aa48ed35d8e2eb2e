using System.Diagnostics;
using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

public sealed class RateLimitTests
{
    // The slowest rate the settings allow: one token every 10 s, so a test has seconds, not milliseconds, to spare.
    private const double RequestsPerSecond = 0.1;
    private const int Burst = 3;
    private static readonly TimeSpan Refill = TimeSpan.FromSeconds(1 / RequestsPerSecond);

    [Fact]
    public async Task A_key_past_its_rate_gets_429_with_retry_after_while_another_key_is_served()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = "busy-key";
        settings["Gateway:ApiKeys:1"] = "quiet-key";
        settings["Gateway:RequestsPerSecond"] = RequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:RequestBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var gateway = new GatewayFactory(settings);
        using var busy = gateway.CreateClient();
        busy.DefaultRequestHeaders.Add("X-Api-Key", "busy-key");
        using var quiet = gateway.CreateClient();
        quiet.DefaultRequestHeaders.Add("X-Api-Key", "quiet-key");

        // Requests until the first refusal. A machine so slow that a token came back meanwhile earns one more
        // answer per refill period elapsed, and no more.
        var served = 0;
        HttpResponseMessage answer;
        var clock = Stopwatch.StartNew();
        while ((answer = await busy.GetAsync("/api/batches")).StatusCode == HttpStatusCode.OK && served <= Burst * 10)
        {
            served++;
        }

        var refills = (int)(clock.Elapsed / Refill);
        await Problems.AssertAsync(answer, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(served, Burst, Burst + refills);
        Assert.InRange(answer.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), Refill);
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/api/batches")).StatusCode);
    }
}
