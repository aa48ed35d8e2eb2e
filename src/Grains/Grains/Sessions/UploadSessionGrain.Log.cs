using Microsoft.Extensions.Logging;

namespace UploadProxy.Grains.Sessions;

// At Information a session writes one line per transition that matters to a person (stored, linked: in the steps);
// the rest is Debug, so a 100-document batch adds about a hundred lines to the log.
public sealed partial class UploadSessionGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} accepted {Length} bytes as {PublicId}")]
    private partial void LogAccepted(string sessionId, long length, string publicId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} Notion linking retried by request")]
    private partial void LogLinkRetried(string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} runs its {Step} step again in {Delay}")]
    private partial void LogBackingOff(string sessionId, SessionStep step, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} work stopped for deactivation; the next activation resumes it")]
    private partial void LogHandedOver(string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} work interrupted; the recovery reminder resumes it")]
    private partial void LogWorkInterrupted(Exception exception, string sessionId);
}
