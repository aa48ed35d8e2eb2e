using Microsoft.Extensions.Options;
using UploadProxy.Grains;
using UploadProxy.Grains.Contract;
using UploadProxy.Persistence;

namespace UploadProxy.Gateway.Sessions;

/// <summary>The contract's session object for an answer, with URLs on <c>Standalone:PublicBaseUrl</c>.</summary>
internal static class SessionResources
{
    public static SessionResource From(UploadSessionSnapshot session, HttpRequest request) =>
        SessionResource.From(session, PublicBaseUrl(request));

    public static string Absolute(string url, HttpRequest request) => SessionResource.Absolute(url, PublicBaseUrl(request));

    private static string PublicBaseUrl(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<StandaloneOptions>>().Value.PublicBaseUrl;
}

/// <summary>The optional body of <c>create</c>.</summary>
internal sealed record CreateSessionRequest(
    string? Filename,
    string? ContentType,
    long? ContentLength,
    string? BatchId,
    Dictionary<string, string>? Metadata,
    string? WebhookUrl = null);
