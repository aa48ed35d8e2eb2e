using System.Globalization;
using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>A read key has its own rate limit: a busy write key does not use it up, whatever their positions in the lists.</summary>
public sealed class ReadKeyRateLimitTests
{
    private const int Burst = 3;

    [Fact]
    public async Task A_write_key_past_its_rate_leaves_the_first_read_key_served()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = "busy-write-key";
        settings["Gateway:ReadKeys:0"] = "quiet-read-key";
        // One token every 10 s: nothing comes back during the test.
        settings["Gateway:RequestsPerSecond"] = "0.1";
        settings["Gateway:RequestBurst"] = Burst.ToString(CultureInfo.InvariantCulture);
        await using var gateway = new GatewayFactory(settings);
        using var writer = gateway.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", "busy-write-key");
        using var reader = gateway.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Api-Key", "quiet-read-key");

        HttpResponseMessage answer;
        var served = 0;
        while ((answer = await writer.GetAsync("/api/batches")).StatusCode == HttpStatusCode.OK && served <= Burst * 10)
        {
            served++;
        }

        await Problems.AssertAsync(answer, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/batches")).StatusCode);
    }
}
