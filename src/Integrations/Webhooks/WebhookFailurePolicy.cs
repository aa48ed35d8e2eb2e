using System.Net;
using System.Net.Sockets;

namespace UploadProxy.Integrations.Webhooks;

/// <summary>What one delivery attempt came to.</summary>
public enum WebhookAttemptOutcome
{
    /// <summary>A 2xx: the event is delivered.</summary>
    Delivered,

    /// <summary>410 Gone: the endpoint asks for no more events.</summary>
    Gone,

    /// <summary>Anything else (another status, a timeout, no connection): attempted again after a backoff.</summary>
    Failed,
}

public sealed record WebhookAttempt(WebhookAttemptOutcome Outcome, string? Error);

/// <summary>The one place that decides what a webhook endpoint's answer means.</summary>
public static class WebhookFailurePolicy
{
    public static WebhookAttempt Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => new WebhookAttempt(WebhookAttemptOutcome.Delivered, null),
        410 => new WebhookAttempt(WebhookAttemptOutcome.Gone, "The endpoint answered 410 Gone: no more events are sent to it."),
        var code => new WebhookAttempt(WebhookAttemptOutcome.Failed, $"The endpoint answered {code} {status}."),
    };

    public static WebhookAttempt Classify(Exception exception, TimeSpan attemptTimeout) => exception switch
    {
        OperationCanceledException => new WebhookAttempt(WebhookAttemptOutcome.Failed, $"The endpoint did not answer within {attemptTimeout.TotalSeconds:0.#} s."),
        HttpRequestException { InnerException: SocketException socket } => new WebhookAttempt(WebhookAttemptOutcome.Failed, $"No connection to the endpoint ({socket.SocketErrorCode})."),
        HttpRequestException http => new WebhookAttempt(WebhookAttemptOutcome.Failed, $"The request to the endpoint failed ({http.HttpRequestError})."),
        _ => new WebhookAttempt(WebhookAttemptOutcome.Failed, $"The request to the endpoint failed ({exception.GetType().Name})."),
    };

    /// <summary>An endpoint as logs and the dashboard show it: scheme, host, port and path, never its query (which may hold a token).</summary>
    public static string Describe(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "(invalid URL)";
}
