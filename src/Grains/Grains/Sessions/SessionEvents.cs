using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Grains.Sessions;

/// <summary>The webhook event a session raises when it enters a status, raised in the write that saves the status.</summary>
internal static class SessionEvents
{
    public static string? For(SessionStatus status) => status switch
    {
        SessionStatus.Uploaded => WebhookEventTypes.SessionUploaded,
        SessionStatus.Linked => WebhookEventTypes.SessionLinked,
        SessionStatus.Failed => WebhookEventTypes.SessionFailed,
        SessionStatus.Expired => WebhookEventTypes.SessionExpired,
        _ => null,
    };
}
