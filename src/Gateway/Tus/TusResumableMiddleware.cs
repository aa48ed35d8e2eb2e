namespace UploadProxy.Gateway.Tus;

/// <summary>
/// The rules every tus request shares, before the API key is even looked at: <c>Tus-Resumable</c> on every answer
/// (a 401 or 429 included), 412 for a request that speaks another version (OPTIONS excepted, as the spec says), and
/// <c>X-HTTP-Method-Override</c> for clients behind proxies that only pass GET and POST.
/// </summary>
internal sealed class TusResumableMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers[TusProtocol.TusResumable] = TusProtocol.Version;
            return Task.CompletedTask;
        }, context.Response);

        if (HttpMethods.IsPost(request.Method) && request.Headers[TusProtocol.MethodOverride].ToString() is { Length: > 0 } method)
        {
            request.Method = method.ToUpperInvariant();
        }

        if (!HttpMethods.IsOptions(request.Method) && request.Headers[TusProtocol.TusResumable] != TusProtocol.Version)
        {
            context.Response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
            return ApiProblems.TusVersionUnsupported().ExecuteAsync(context);
        }

        return next(context);
    }
}
