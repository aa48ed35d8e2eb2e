using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace UploadProxy.Gateway.Security;

/// <summary>
/// Lets a body through only as <c>application/json</c> (any charset), answering 415 otherwise. A browser cannot send
/// that type to another site without a CORS preflight, which the gateway never grants, so a form on another site cannot
/// open sessions. A request with no body (none, or <c>Content-Length: 0</c>) passes whatever its type, as the contract's optional
/// body allows.
/// </summary>
internal sealed class RequireJsonBody : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HasBody(context.HttpContext)
            && (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
                || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return ApiProblems.UnsupportedMediaType(request.ContentType is { Length: > 0 } contentType
                ? $"The body must be application/json, not '{contentType}'."
                : "The body must be sent as application/json; send no body at all for a session with defaults.");
        }

        return await next(context);
    }

    private static bool HasBody(HttpContext context) =>
        context.Request.ContentLength is > 0
        || (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
}
