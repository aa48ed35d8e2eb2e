using System.Net;

namespace UploadProxy.Gateway.Security;

/// <summary>
/// Where the host will listen, read from configuration the way ASP.NET Core reads it, so that a gateway without keys can
/// refuse to start before it binds a port beyond this machine.
/// </summary>
/// <remarks>
/// Every way of naming an address ends up in the merged configuration: <c>--urls</c>, <c>ASPNETCORE_URLS</c> and
/// <c>DOTNET_URLS</c> as <c>urls</c>; <c>ASPNETCORE_HTTP_PORTS</c>, <c>DOTNET_HTTP_PORTS</c> and plain <c>HTTP_PORTS</c>
/// as <c>http_ports</c> (the same for HTTPS); <c>Kestrel:Endpoints:{name}:Url</c> as Kestrel's own endpoints.
/// </remarks>
internal static class ListeningAddresses
{
    /// <summary>Where Kestrel listens when nothing says otherwise.</summary>
    private const string DefaultUrl = "http://localhost:5000";

    /// <summary>
    /// The addresses the host will bind. <c>urls</c> wins over the port lists, as in ASP.NET Core (a container image's
    /// <c>ASPNETCORE_HTTP_PORTS=8080</c> is ignored once <c>--urls</c> is given). Kestrel's configured endpoints are
    /// added to them rather than replacing them: a refusal too many is safer than a port left open.
    /// </summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"])
            .OfType<string>()
            .Where(url => url.Length > 0);
        var hosting = Split(configuration["urls"]) is { Count: > 0 } urls
            ? urls
            : [.. Split(configuration["http_ports"]).Select(port => $"http://*:{port}"), .. Split(configuration["https_ports"]).Select(port => $"https://*:{port}")];
        List<string> all = [.. endpoints, .. hosting];
        return all.Count > 0 ? all : [DefaultUrl];
    }

    /// <summary>
    /// Whether an address is reachable from this machine only: <c>localhost</c>, a loopback IP, or a Unix socket or named
    /// pipe. A host name other than <c>localhost</c> is not: Kestrel binds every interface for it.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        if (address.IsUnixPipe || address.IsNamedPipe)
        {
            return true;
        }

        return string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    private static List<string> Split(string? value) =>
        value is null ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
