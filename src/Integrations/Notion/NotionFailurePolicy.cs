using System.Net;
using Polly;
using Polly.Timeout;

namespace UploadProxy.Integrations.Notion;

/// <summary>What a failed Notion request allows its caller to conclude.</summary>
public enum NotionFailure
{
    /// <summary>Notion surely did nothing, or the request only reads: the same request may simply be sent again.</summary>
    Transient,

    /// <summary>
    /// A page create that Notion may or may not have carried out (a timeout, a lost connection, a 5xx, a 409): it is
    /// never sent again blindly; the session looks the row up first.
    /// </summary>
    OutcomeUnknown,

    /// <summary>Will fail again until the request or the database changes (400 validation, 401, 403, 404, …).</summary>
    Final,
}

/// <summary>
/// The one place that decides how a failed Notion request is treated. The transport retries of the <c>notion</c>
/// <see cref="HttpClient"/> retry only <see cref="NotionFailure.Transient"/> failures, and <see cref="NotionClient"/>
/// gives the same answer to the session in <see cref="NotionException.Failure"/>.
/// </summary>
/// <remarks>
/// Following Notion's own SDKs: 429 <c>rate_limited</c> and 529 <c>service_overload</c> mean Notion did nothing, for
/// any method. Other 5xx, 408, timeouts and lost connections are worth another try for a read, but leave a create's
/// outcome unknown. A 409 <c>conflict_error</c> on a create is not retried either (neither SDK retries a 409): its
/// transaction may have collided with its own earlier attempt. Every other 4xx is final.
/// </remarks>
public static class NotionFailurePolicy
{
    /// <summary>An HTTP status Notion answered (0 for no answer: a timeout or a lost connection).</summary>
    public static NotionFailure Classify(int status, bool isCreate) => status switch
    {
        429 or 529 => NotionFailure.Transient,
        0 or 408 or 409 or >= 500 => isCreate ? NotionFailure.OutcomeUnknown : NotionFailure.Transient,
        _ => NotionFailure.Final,
    };

    /// <summary>Whether the request is a page create, the one request that must never run twice.</summary>
    public static bool IsCreate(HttpRequestMessage? request) =>
        request is null
        || (request.Method == HttpMethod.Post && request.RequestUri?.OriginalString.TrimEnd('/').EndsWith("v1/pages", StringComparison.Ordinal) == true);

    /// <summary>The transport retry's predicate: only what may be sent again as it is.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        int status;
        if (outcome.Result is { } response)
        {
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return false;
            }
        }
        else if (outcome.Exception is HttpRequestException or TimeoutRejectedException)
        {
            status = 0;
        }
        else
        {
            // Cancellation by the caller, or a body that could not be written: nothing to retry.
            return false;
        }

        return Classify(status, IsCreate(request)) == NotionFailure.Transient;
    }

    /// <summary>
    /// How long a 429 or 529 holds every caller of the integration: its <c>Retry-After</c> (seconds or a date), or
    /// <paramref name="fallback"/> when it has none. Null for any other answer.
    /// </summary>
    public static TimeSpan? HoldFor(HttpResponseMessage response, DateTimeOffset now, TimeSpan fallback)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or (HttpStatusCode)529))
        {
            return null;
        }

        var retryAfter = response.Headers.RetryAfter;
        var hold = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : fallback);
        return hold < TimeSpan.Zero ? TimeSpan.Zero : hold > MaxHold ? MaxHold : hold;
    }

    /// <summary>A bound on a hold, against a nonsensical header; Notion's per-workspace waits can exceed a minute.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(15);
}
