namespace UploadProxy.Grains.Notion;

/// <summary>A failed Notion request, with what the caller may conclude from it.</summary>
public sealed class NotionException(int status, string code, string message, bool isTransient, bool outcomeUnknown, Exception? innerException = null)
    : Exception(message, innerException)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    /// <summary>Worth another attempt later (rate limits, overload, server errors, lost connections).</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>The request may have taken effect although no answer said so (a timeout, a lost connection, a 5xx).</summary>
    public bool OutcomeUnknown { get; } = outcomeUnknown;
}
