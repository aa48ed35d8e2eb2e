namespace UploadProxy.Grains.Webhooks;

/// <summary>
/// The webhook events a grain (a session, a batch) owes, saved in its state: an event is raised in the same write as
/// the transition that caused it, and leaves the ledger only once delivered or given up. Each change makes a new ledger.
/// </summary>
[GenerateSerializer]
public sealed record WebhookLedger
{
    /// <summary>Events not delivered yet, one per endpoint, oldest first: each endpoint gets its events in this order.</summary>
    [Id(0)] public List<OwedWebhook> Owed { get; init; } = [];
    [Id(1)] public int Delivered { get; init; }
    [Id(2)] public int Failed { get; init; }
    [Id(3)] public string? LastError { get; init; }

    /// <summary>Events raised so far: numbers each event's id.</summary>
    [Id(4)] public int Raised { get; init; }

    // Methods, not properties: the state serializer writes every public property into the stored JSON.
    public WebhookCounts Counts() => new(Delivered, Owed.Count, Failed, LastError);

    /// <summary>A new event owed to each of <paramref name="urls"/>, with one id across endpoints and attempts.</summary>
    public WebhookLedger Raise(string owner, string type, string body, IReadOnlyList<string> urls, DateTimeOffset now)
    {
        var id = $"evt_{owner}_{Raised + 1}";
        return this with
        {
            Raised = Raised + 1,
            Owed = [.. Owed, .. urls.Select(url => new OwedWebhook(id, type, url, body, now, 0, now))],
        };
    }

    /// <summary>The next event of each endpoint whose attempt is due: an endpoint's later events wait for its earlier ones.</summary>
    public IEnumerable<OwedWebhook> Due(DateTimeOffset now) =>
        Owed.GroupBy(o => o.Url, StringComparer.Ordinal).Select(g => g.First()).Where(o => o.NextAttemptAt <= now);

    /// <summary>When the next attempt of any endpoint is due.</summary>
    public DateTimeOffset? NextAttemptAt() =>
        Owed.Count == 0 ? null : Owed.GroupBy(o => o.Url, StringComparer.Ordinal).Min(g => g.First().NextAttemptAt);

    public DateTimeOffset? OldestRaisedAt() => Owed.Count == 0 ? null : Owed.Min(o => o.RaisedAt);

    public WebhookLedger Sent(OwedWebhook owed) =>
        this with { Owed = Without(owed), Delivered = Delivered + 1 };

    public WebhookLedger Retried(OwedWebhook owed, string error, DateTimeOffset nextAttemptAt) =>
        this with
        {
            Owed = [.. Owed.Select(o => o == owed ? o with { Attempts = o.Attempts + 1, NextAttemptAt = nextAttemptAt } : o)],
            LastError = error,
        };

    public WebhookLedger GivenUp(OwedWebhook owed, string error) =>
        this with { Owed = Without(owed), Failed = Failed + 1, LastError = error };

    /// <summary>The endpoint is gone (410): none of its events are sent any more.</summary>
    public WebhookLedger EndpointGone(string url, string error) =>
        this with
        {
            Owed = [.. Owed.Where(o => o.Url != url)],
            Failed = Failed + Owed.Count(o => o.Url == url),
            LastError = error,
        };

    private List<OwedWebhook> Without(OwedWebhook owed) => [.. Owed.Where(o => o != owed)];
}

/// <summary>One event owed to one endpoint.</summary>
[GenerateSerializer, Immutable]
public sealed record OwedWebhook(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string Url,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset RaisedAt,
    [property: Id(5)] int Attempts,
    [property: Id(6)] DateTimeOffset NextAttemptAt);
