namespace UploadProxy.Gateway.Security;

/// <summary>
/// Refuses a browser's cross-site write that carries no key (<c>Sec-Fetch-Site: cross-site</c> on anything but GET,
/// HEAD or OPTIONS), so that a page on another site cannot create or send through a keyless gateway on this machine.
/// Same-origin, same-site, <c>none</c> (typed by the user) and clients that send no such header pass.
/// </summary>
internal sealed class CrossSiteWriteMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var writes = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);
        if (writes
            && context.Items[ApiKeyMiddleware.KeyItem] is null
            && string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            await ApiProblems.Forbidden("A browser page of another site may not write to this gateway without an API key.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
