using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Integrations.Webhooks;

/// <summary>
/// Where events are delivered (Standard Webhooks), and how deliveries are retried. Endpoints come from
/// <c>UPLOADPROXY_WEBHOOK_URLS</c> with <c>UPLOADPROXY_WEBHOOK_SECRET</c>, or <c>Webhooks:Endpoints:N:{Url,Secret,Events}</c>;
/// a session may add its own <c>webhook_url</c> on a host of <see cref="AllowedHosts"/>.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    public List<WebhookEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>The <c>whsec_…</c> secret of endpoints without their own, and of every session's <c>webhook_url</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>Host names a session's <c>webhook_url</c> may name (<c>*.example.com</c> takes its subdomains); none by default.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The wait after a first failed delivery; it doubles, jittered, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An event not delivered this long after it was raised is given up and counted failed.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a batch must stay complete (every session ended) before <c>batch.completed</c> is raised.</summary>
    public TimeSpan BatchQuietPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => Endpoints.Count > 0 || AllowedHosts.Count > 0;

    /// <summary>The endpoints an event of <paramref name="type"/> goes to: the configured ones that take it, then the session's own.</summary>
    public IReadOnlyList<string> TargetsFor(string type, string? sessionUrl)
    {
        if (Endpoints.Count == 0 && sessionUrl is null)
        {
            // Webhooks off: asked at every status change, so nothing is allocated for it.
            return [];
        }

        var targets = Endpoints
            .Where(e => e.Events.Count == 0 || e.Events.Contains(type, StringComparer.Ordinal))
            .Select(e => e.Url!.AbsoluteUri)
            .ToList();
        if (sessionUrl is not null && !targets.Contains(sessionUrl, StringComparer.Ordinal))
        {
            targets.Add(sessionUrl);
        }

        return targets;
    }

    /// <summary>The secret an endpoint's deliveries are signed with; null when it has none (no longer configured).</summary>
    public string? SecretFor(string url) =>
        Endpoints.FirstOrDefault(e => e.Url!.AbsoluteUri == url)?.Secret is { Length: > 0 } own ? own : Secret;

    /// <summary>Whether a session may name <paramref name="url"/> as its <c>webhook_url</c>.</summary>
    public bool AllowsSessionUrl(Uri url) =>
        url.Scheme is "https" or "http" && string.IsNullOrEmpty(url.UserInfo) && AllowedHosts.Any(allowed =>
            allowed.StartsWith("*.", StringComparison.Ordinal)
                ? url.Host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
                : url.Host.Equals(allowed, StringComparison.OrdinalIgnoreCase));

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: doubling from <see cref="RetryBaseDelay"/>, capped, jittered.</summary>
    public TimeSpan RetryDelay(int attempts) => Backoff.Delay(RetryBaseDelay, RetryMaxDelay, attempts);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (endpoint, index) in Endpoints.Select((e, i) => (e, i)))
        {
            var name = $"Webhooks:Endpoints:{index}";
            if (endpoint.Url is not { IsAbsoluteUri: true, Scheme: "https" or "http" })
            {
                yield return new ValidationResult($"{name}:Url must be an absolute http or https URL.");
            }

            if ((endpoint.Secret ?? Secret) is not { } secret || !WebhookSignature.IsValidSecret(secret))
            {
                yield return new ValidationResult($"{name} needs a secret of the form whsec_<base64> (its own Secret, or Webhooks:Secret / UPLOADPROXY_WEBHOOK_SECRET).");
            }

            if (endpoint.Events.FirstOrDefault(e => !WebhookEventTypes.All.Contains(e, StringComparer.Ordinal)) is { } unknown)
            {
                yield return new ValidationResult($"{name}:Events names '{unknown}'; the events are {string.Join(", ", WebhookEventTypes.All)}.");
            }
        }

        if (AllowedHosts.Count > 0 && (Secret is null || !WebhookSignature.IsValidSecret(Secret)))
        {
            yield return new ValidationResult("Webhooks:AllowedHosts needs Webhooks:Secret (whsec_<base64>), which signs every session's webhook_url.");
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Webhooks:RetryBaseDelay must be positive and no more than RetryMaxDelay.");
        }

        if (MaxAge <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || BatchQuietPeriod < TimeSpan.Zero)
        {
            yield return new ValidationResult("Webhooks:MaxAge and Webhooks:AttemptTimeout must be positive, and Webhooks:BatchQuietPeriod not negative.");
        }
    }
}

public sealed class WebhookEndpointOptions
{
    public Uri? Url { get; set; }

    /// <summary>This endpoint's own <c>whsec_…</c> secret; <c>Webhooks:Secret</c> when empty.</summary>
    public string? Secret { get; set; }

    /// <summary>The event types this endpoint takes; every type when empty.</summary>
    public List<string> Events { get; set; } = [];
}
