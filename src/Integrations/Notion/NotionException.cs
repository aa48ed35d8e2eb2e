namespace UploadProxy.Integrations.Notion;

/// <summary>A failed Notion request, with what the caller may conclude from it (<see cref="NotionFailurePolicy"/>).</summary>
public sealed class NotionException(int status, string code, string message, NotionFailure failure, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The HTTP status Notion answered; 0 when it did not answer, or when the request was never sent.</summary>
    public int Status { get; } = status;

    public string Code { get; } = code;

    public NotionFailure Failure { get; } = failure;

    /// <summary>Worth another attempt later (rate limits, overload, server errors, lost connections).</summary>
    public bool IsTransient => Failure != NotionFailure.Final;

    /// <summary>A create that may have taken effect although no answer said so (a timeout, a lost connection, a 5xx, a 409).</summary>
    public bool OutcomeUnknown => Failure == NotionFailure.OutcomeUnknown;

    /// <summary>A request that can never succeed as it is, refused before it was sent.</summary>
    public static NotionException Invalid(string code, string message, Exception? innerException = null) =>
        new(0, code, message, NotionFailure.Final, innerException);
}
