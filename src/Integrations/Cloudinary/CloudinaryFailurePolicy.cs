using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Polly;

namespace UploadProxy.Integrations.Cloudinary;

/// <summary>What a failed Cloudinary request left behind, which decides who may try it again.</summary>
internal enum CloudinaryFailureKind
{
    /// <summary>Cloudinary did nothing (refused for rate, never reached): sending the same request again is safe.</summary>
    NothingDone,

    /// <summary>An upload that may have been stored (timeout, connection lost after sending, 5xx): look before uploading again.</summary>
    OutcomeUnknown,

    /// <summary>A 4xx refusal: the same request will be refused again.</summary>
    Refused,
}

/// <summary>
/// The one place that says how Cloudinary's answers are handled, for the transport retry pipeline and for the
/// store's <see cref="Storage.DocumentStoreException"/> alike. Only a request that surely did nothing is re-sent by the
/// transport; an upload whose outcome is unknown goes back to the session, whose next attempt looks the asset up first.
/// </summary>
internal static class CloudinaryFailurePolicy
{
    /// <summary>Cloudinary's older "rate limited" status, still answered by the Admin API.</summary>
    public const HttpStatusCode RateLimited = (HttpStatusCode)420;

    /// <summary>A longer Retry-After belongs to the session's backoff, not to an HTTP request held open.</summary>
    public static readonly TimeSpan MaxTransportWait = TimeSpan.FromSeconds(10);

    /// <summary>When a rate-limited answer says nothing of when to come back.</summary>
    public static readonly TimeSpan DefaultRateLimitWait = TimeSpan.FromMinutes(1);

    public static bool IsRateLimited(HttpStatusCode status) => status is RateLimited or HttpStatusCode.TooManyRequests;

    /// <param name="isUpload">An upload request (POST); a lookup (GET) changes nothing, so none of its failures is unknown.</param>
    public static CloudinaryFailureKind Classify(HttpStatusCode status, bool isUpload) => (int)status switch
    {
        420 or 429 or 408 => CloudinaryFailureKind.NothingDone,
        >= 500 => isUpload ? CloudinaryFailureKind.OutcomeUnknown : CloudinaryFailureKind.NothingDone,
        _ => CloudinaryFailureKind.Refused,
    };

    /// <summary>A request that got no answer: only one that never reached Cloudinary surely did nothing.</summary>
    public static CloudinaryFailureKind Classify(Exception exception, bool isUpload)
    {
        if (!isUpload || NeverSent(exception))
        {
            return CloudinaryFailureKind.NothingDone;
        }

        return CloudinaryFailureKind.OutcomeUnknown;
    }

    public static bool IsTransient(CloudinaryFailureKind kind) => kind != CloudinaryFailureKind.Refused;

    /// <summary>The transport's retry predicate: re-send only what surely did nothing, and wait only briefly.</summary>
    public static bool MayResend(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, DateTimeOffset now)
    {
        var isUpload = request?.Method != HttpMethod.Get;
        if (outcome.Result is { } response)
        {
            return !response.IsSuccessStatusCode
                && response.StatusCode != HttpStatusCode.NotFound
                && Classify(response.StatusCode, isUpload) == CloudinaryFailureKind.NothingDone
                && (!IsRateLimited(response.StatusCode) || RetryAfter(response, now) <= MaxTransportWait);
        }

        return outcome.Exception is { } exception
            && exception is not OperationCanceledException { CancellationToken.IsCancellationRequested: true }
            && IsTransport(exception)
            && Classify(exception, isUpload) == CloudinaryFailureKind.NothingDone;
    }

    /// <summary>How long a rate-limited answer asks to wait: Retry-After, else the Admin API's reset time.</summary>
    public static TimeSpan RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : DefaultRateLimitWait);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return ResetTime(response.Headers) is { } reset && reset > now ? reset - now : DefaultRateLimitWait;
    }

    /// <summary>The Admin API's <c>X-FeatureRateLimit-Reset</c>, when the hourly allowance is used up.</summary>
    public static DateTimeOffset? ExhaustedUntil(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-FeatureRateLimit-Remaining", out var remaining)
        && long.TryParse(remaining.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var left)
        && left <= 0
            ? ResetTime(response.Headers)
            : null;

    private static DateTimeOffset? ResetTime(HttpResponseHeaders headers) =>
        headers.TryGetValues("X-FeatureRateLimit-Reset", out var values)
        && DateTimeOffset.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var reset)
            ? reset
            : null;

    private static bool IsTransport(Exception exception) =>
        exception is HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException;

    // Connecting failed: not a byte of the request reached Cloudinary.
    private static bool NeverSent(Exception exception) =>
        exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        };
}
