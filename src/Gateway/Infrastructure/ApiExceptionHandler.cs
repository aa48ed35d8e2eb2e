using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway;

/// <summary>Maps the exceptions a client or a missing cluster can cause onto the error table.</summary>
internal sealed partial class ApiExceptionHandler(IOptions<GatewayOptions> options, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemHttpResult? result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblems.DocumentTooLarge(options.Value.MaxDocumentBytes),
            BadHttpRequestException bad => ApiProblems.InvalidRequest(bad.Message),
            // A database the cluster depends on (staging, state) is down: the same answer as no silo, retry later.
            OrleansException or TimeoutException or System.Data.Common.DbException => ApiProblems.ClusterUnavailable(),
            _ => null,
        };
        if (result is null)
        {
            return false;
        }

        if (result.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            LogClusterUnavailable(exception);
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster did not answer")]
    private partial void LogClusterUnavailable(Exception exception);
}
