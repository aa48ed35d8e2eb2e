using Microsoft.Extensions.Logging;

namespace UploadProxy.Grains.Sessions;

public sealed partial class UploadSessionGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} accepted {Length} bytes as {PublicId}")]
    private partial void LogAccepted(string sessionId, long length, string publicId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} Notion linking retried by request")]
    private partial void LogLinkRetried(string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} runs its {Step} step again in {Delay}")]
    private partial void LogBackingOff(string sessionId, SessionStep step, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} work stopped for deactivation; the next activation resumes it")]
    private partial void LogHandedOver(string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} work interrupted; the recovery reminder resumes it")]
    private partial void LogWorkInterrupted(Exception exception, string sessionId);
}
