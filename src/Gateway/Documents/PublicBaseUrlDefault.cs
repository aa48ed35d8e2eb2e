using System.Text.RegularExpressions;
using UploadProxy.Persistence;

namespace UploadProxy.Gateway.Documents;

/// <summary>
/// Where locally stored documents are reached, when the operator did not say (<c>Standalone:PublicBaseUrl</c>): the
/// first address the gateway is told to listen on (<c>ASPNETCORE_URLS</c>, <c>--urls</c>), a wildcard host read as
/// <c>localhost</c>; else <c>http://localhost:5000</c>. Decided once from configuration, never from a request's
/// <c>Host</c>, so a stored URL does not change with what a client sends.
/// </summary>
internal static partial class PublicBaseUrlDefault
{
    private static readonly string Key = $"{StandaloneOptions.SectionName}:{nameof(StandaloneOptions.PublicBaseUrl)}";

    public static WebApplicationBuilder DefaultPublicBaseUrlToListenAddress(this WebApplicationBuilder builder)
    {
        if (builder.Configuration[Key] is { Length: > 0 }
            || builder.Configuration["urls"] is not { Length: > 0 } urls
            || ListenUrl().Match(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "") is not { Success: true } first
            || first.Groups["port"].Value == ":0")
        {
            return builder;
        }

        var host = first.Groups["host"].Value is "*" or "+" or "0.0.0.0" or "[::]" ? "localhost" : first.Groups["host"].Value;
        builder.Configuration[Key] = $"{first.Groups["scheme"].Value}://{host}{first.Groups["port"].Value}";
        return builder;
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]+\]|[^/:]+)(?<port>:\d+)?", RegexOptions.IgnoreCase)]
    private static partial Regex ListenUrl();
}
