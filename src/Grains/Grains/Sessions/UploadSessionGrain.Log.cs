using Microsoft.Extensions.Logging;

namespace UploadProxy.Grains.Sessions;

public sealed partial class UploadSessionGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} accepted {Length} bytes as {PublicId}")]
    private partial void LogAccepted(string sessionId, long length, string publicId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} stored as {PublicId} after {Attempts} attempt(s)")]
    private partial void LogStored(string sessionId, string publicId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} attempt {Attempt} failed transiently ({Code}); retrying in {Delay}")]
    private partial void LogTransientFailure(string sessionId, int attempt, string code, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} failed for good ({Code}): {Message}")]
    private partial void LogFailed(string sessionId, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} linked as Notion page {PageId}")]
    private partial void LogLinked(string sessionId, string pageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} adopted the Notion page {PageId} an earlier attempt created")]
    private partial void LogRowAdopted(string sessionId, string pageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} Notion request failed transiently ({Code}); retrying in {Delay}")]
    private partial void LogNotionTransientFailure(string sessionId, string code, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} Notion linking refused ({Code}): {Message}")]
    private partial void LogNotionRejected(string sessionId, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} Notion linking retried by request")]
    private partial void LogLinkRetried(string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} work stopped for deactivation; the next activation resumes it")]
    private partial void LogHandedOver(string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} work interrupted; the recovery reminder resumes it")]
    private partial void LogWorkInterrupted(Exception exception, string sessionId);
}
