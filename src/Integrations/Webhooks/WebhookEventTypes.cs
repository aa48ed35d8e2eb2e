namespace UploadProxy.Integrations.Webhooks;

/// <summary>The events the product delivers (docs/webhooks.md).</summary>
public static class WebhookEventTypes
{
    public const string SessionUploaded = "session.uploaded";
    public const string SessionLinked = "session.linked";
    public const string SessionFailed = "session.failed";
    public const string SessionExpired = "session.expired";
    public const string BatchCompleted = "batch.completed";

    public static IReadOnlyList<string> All { get; } = [SessionUploaded, SessionLinked, SessionFailed, SessionExpired, BatchCompleted];
}
