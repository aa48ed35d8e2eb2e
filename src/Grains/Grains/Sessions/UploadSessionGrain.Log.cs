using Microsoft.Extensions.Logging;

namespace UploadProxy.Grains.Sessions;

public sealed partial class UploadSessionGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} accepted {Length} bytes as {PublicId}")]
    private partial void LogAccepted(string sessionId, long length, string publicId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} stored as {PublicId} after {Attempts} attempt(s)")]
    private partial void LogStored(string sessionId, string publicId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} attempt {Attempt} failed transiently ({Code}); retrying in {Delay}")]
    private partial void LogTransientFailure(string sessionId, int attempt, string code, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} failed for good ({Code}): {Message}")]
    private partial void LogFailed(string sessionId, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} upload stopped for deactivation; the next activation resumes it")]
    private partial void LogHandedOver(string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} upload interrupted; the recovery reminder resumes it")]
    private partial void LogUploadInterrupted(Exception exception, string sessionId);
}
