namespace UploadProxy.Fakes;

/// <summary>The integration the fake Notion accepts, its rate limit, and how it is hosted.</summary>
public sealed class FakeNotionOptions
{
    /// <summary>The integration token, obviously fake so that it cannot be taken for a real one.</summary>
    public string Token { get; set; } = "secret_fake_notion_token_for_tests";

    /// <summary>Port on 127.0.0.1; 0 lets the system pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>The refill rate of the token's bucket: Notion allows an average of 3 requests per second per integration.</summary>
    public double RequestsPerSecond { get; set; } = 3;

    /// <summary>The capacity of the token's bucket: how many requests may come at once.</summary>
    public int Burst { get; set; } = 3;

    /// <summary>Added before answering each request.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>How long a new page stays out of query results, as Notion's index lags behind its writes.</summary>
    public TimeSpan QueryIndexLag { get; set; }

    /// <summary>
    /// The <c>Retry-After</c> of a 429 past the rate, in place of the time the bucket needs to refill: Notion's
    /// per-workspace limits answer waits of many seconds. Null for the refill time.
    /// </summary>
    public TimeSpan? RateLimitRetryAfter { get; set; }
}
