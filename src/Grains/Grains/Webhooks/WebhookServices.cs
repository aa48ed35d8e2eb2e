using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Webhooks;
using UploadProxy.Persistence;

namespace UploadProxy.Grains.Webhooks;

/// <summary>What a grain needs to owe and deliver webhook events: one dependency instead of five.</summary>
public sealed class WebhookServices(
    IOptions<WebhookOptions> options,
    IOptions<StandaloneOptions> standalone,
    IOptions<SessionOptions> sessions,
    WebhookSender sender,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    public WebhookOptions Options => options.Value;

    /// <summary>Where locally stored documents are served, so an event's <c>url</c> is absolute as in the answers.</summary>
    public string PublicBaseUrl => standalone.Value.PublicBaseUrl;

    public WebhookSender Sender => sender;

    /// <summary>The period of a reminder that brings a grain back to deliver what it owes after a crash.</summary>
    public TimeSpan RecoveryInterval => sessions.Value.RecoveryInterval;

    public TimeProvider TimeProvider => timeProvider;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("UploadProxy.Webhooks");
}
