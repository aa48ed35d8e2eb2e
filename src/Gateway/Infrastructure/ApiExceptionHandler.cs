using System.Data.Common;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Sessions;

namespace UploadProxy.Gateway;

/// <summary>
/// Maps every exception a request ends with onto the error table: what a client did wrong is a 4xx, a missing
/// cluster or database a 503 to retry, a full staging disk a 507, and anything else a 500 that shows the trace id
/// and nothing of the exception. A client that went away never gets here (ASP.NET Core answers it 499).
/// </summary>
internal sealed partial class ApiExceptionHandler(IOptions<GatewayOptions> options, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblems.DocumentTooLarge(options.Value.MaxDocumentBytes),
            BadHttpRequestException bad => ApiProblems.InvalidRequest(bad.Message),
            StagingFaultException { DiskFull: true } => ApiProblems.InsufficientStorage(),
            // A database the cluster depends on (staging, state) is down: the same answer as no silo, retry later.
            StagingFaultException or OrleansException or TimeoutException or DbException => ApiProblems.ClusterUnavailable(),
            // A grain call given up on by its own timeout, the client still waiting: the cluster did not answer in time.
            OperationCanceledException when !httpContext.RequestAborted.IsCancellationRequested => ApiProblems.ClusterUnavailable(),
            _ => null,
        };

        switch (result?.StatusCode)
        {
            case null:
                // The same id the problem's trace_id shows, so the answer leads to this line.
                LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path, Activity.Current?.Id ?? httpContext.TraceIdentifier);
                result = ApiProblems.InternalError();
                break;
            case StatusCodes.Status503ServiceUnavailable:
                LogClusterUnavailable(exception);
                break;
            case StatusCodes.Status507InsufficientStorage:
                LogStagingFull(exception);
                break;
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster did not answer")]
    private partial void LogClusterUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The staging store is full: sends are refused with 507 until space is freed")]
    private partial void LogStagingFull(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed (trace {TraceId})")]
    private partial void LogUnhandled(Exception exception, string method, PathString path, string traceId);
}
