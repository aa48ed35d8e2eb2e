using System.Globalization;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>
/// The Admin API's hourly allowance: every answer says the limit, what is left and when the hour resets
/// (<c>X-FeatureRateLimit-*</c>); past it, requests answer 420 with a Retry-After that counts down to the reset.
/// </summary>
internal sealed class AdminRateLimit(int hourlyLimit)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _used;

    /// <summary>Counts the request; null when it is allowed, else the 420 to answer. Either way the headers to send.</summary>
    public (CloudinaryReply? Refusal, Dictionary<string, string> Headers) Take()
    {
        var now = DateTimeOffset.UtcNow;
        int remaining;
        DateTimeOffset reset;
        bool allowed;
        lock (_lock)
        {
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _used = 0;
            }

            allowed = _used < hourlyLimit;
            if (allowed)
            {
                _used++;
            }

            remaining = hourlyLimit - _used;
            reset = _windowStart + Window;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-FeatureRateLimit-Limit"] = hourlyLimit.ToString(CultureInfo.InvariantCulture),
            ["X-FeatureRateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
            ["X-FeatureRateLimit-Reset"] = reset.ToString("r", CultureInfo.InvariantCulture),
        };
        return allowed
            ? (null, headers)
            : (CloudinaryReply.Error(420, "Rate Limit Exceeded").WithRetryAfter(reset - now), headers);
    }
}
