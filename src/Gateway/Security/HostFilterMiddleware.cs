using System.Net;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Security;

/// <summary>
/// Serves only the host names the gateway is meant to be reached by, against DNS rebinding: a page on another site that
/// points its own name at 127.0.0.1 would otherwise read a keyless gateway as same-origin. Without keys (and no open
/// network allowed) only loopback names are served; otherwise <c>Gateway:AllowedHosts</c>, when it lists any.
/// </summary>
/// <remarks>The health probes pass whatever their Host: they carry no data, and Kubernetes probes a pod by its IP.</remarks>
internal sealed class HostFilterMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    private readonly bool _loopbackOnly = !options.Value.HasKeys() && !options.Value.AllowOpenNetworkWithoutKeys;
    private readonly string[] _allowed = [.. options.Value.AllowedHosts.Where(h => h.Length > 0).Select(h => h.Trim())];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health") || Serves(context.Request.Host.Host))
        {
            await next(context);
            return;
        }

        var rule = _loopbackOnly
            ? "Without API keys the gateway serves loopback host names only (localhost, *.localhost, 127.0.0.1, [::1])."
            : "The host is not one of Gateway:AllowedHosts.";
        await ApiProblems.InvalidRequest($"The Host header '{context.Request.Host}' is not served here. {rule}").ExecuteAsync(context);
    }

    private bool Serves(string host)
    {
        if (_loopbackOnly)
        {
            return IsLoopbackName(host);
        }

        return _allowed.Length == 0 || Array.Exists(_allowed, pattern => Matches(pattern, host));
    }

    private static bool IsLoopbackName(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static bool Matches(string pattern, string host) =>
        pattern == "*"
        || string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)
        || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase));
}
