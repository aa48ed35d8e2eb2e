using System.Globalization;

namespace UploadProxy.Gateway;

/// <summary>
/// Keeps every /api answer in the contract where ASP.NET Core itself answers: an unknown route (404), a known route
/// with another method (405, its <c>Allow</c> kept), a value that does not bind (400) get the problem of their row
/// instead of an empty body; and every 503, whoever writes it, tells the client when to retry.
/// </summary>
internal static class ApiStatusProblems
{
    /// <summary>How long a client waits before retrying a 503: a silo or database is usually back within seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private const string ApiPath = "/api";

    /// <summary>Adds <c>Retry-After</c> to every 503 that has none; first in the pipeline, so it sees every answer.</summary>
    public static WebApplication UseRetryAfterOnUnavailable(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
                {
                    context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>Writes the problem of an empty /api error answer; static files and the dashboard are left as they are.</summary>
    public static WebApplication UseApiStatusProblems(this WebApplication app)
    {
        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            if (context.Request.Path.StartsWithSegments(ApiPath)
                && ApiProblems.ForStatus(context.Response.StatusCode) is { } problem)
            {
                await problem.ExecuteAsync(context);
            }
        });
        return app;
    }
}
