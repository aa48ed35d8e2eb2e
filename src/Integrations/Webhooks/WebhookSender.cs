using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace UploadProxy.Integrations.Webhooks;

/// <summary>An event to deliver: its id stays the same across attempts; its body is the one raised with it.</summary>
public sealed record WebhookMessage(string Id, string Url, string Body);

/// <summary>
/// Posts one signed event to one endpoint (Standard Webhooks headers), within <see cref="WebhookOptions.AttemptTimeout"/>,
/// and says what the answer means (<see cref="WebhookFailurePolicy"/>). It never retries: the owner of the event does,
/// with its durable backoff. Redirects are not followed, so an endpoint cannot send the product elsewhere.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClients, IOptions<WebhookOptions> options, TimeProvider timeProvider)
{
    public const string HttpClientName = "webhooks";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public async Task<WebhookAttempt> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.SecretFor(message.Url) is not { } secret)
        {
            return new WebhookAttempt(WebhookAttemptOutcome.Gone, "The endpoint is no longer configured and has no secret to sign with.");
        }

        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url)
        {
            Content = new StringContent(message.Body, Encoding.UTF8, Json),
        };
        request.Headers.Add("webhook-id", message.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, message.Id, timestamp, message.Body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.AttemptTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return WebhookFailurePolicy.Classify(response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return WebhookFailurePolicy.Classify(ex, settings.AttemptTimeout);
        }
    }
}
