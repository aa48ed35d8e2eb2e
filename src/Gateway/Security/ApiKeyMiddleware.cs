using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Security;

/// <summary>
/// Checks <c>Authorization: Bearer</c> or <c>X-Api-Key</c> on /api routes against the configured keys, comparing
/// SHA-256 digests in constant time so neither the keys' content nor their length leaks through timing.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string KeyItem = "UploadProxy.ApiKey";

    private readonly byte[][] _keyDigests = [.. options.Value.ApiKeys.Where(k => k.Length > 0).Select(Digest)];

    public async Task InvokeAsync(HttpContext context)
    {
        if (_keyDigests.Length == 0)
        {
            await next(context);
            return;
        }

        var presented = Presented(context.Request);
        var index = presented is null ? -1 : Match(Digest(presented));
        if (index < 0)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiProblems.Unauthorized().ExecuteAsync(context);
            return;
        }

        // The rate limiter partitions by key; it gets the key's position, never the key.
        context.Items[KeyItem] = $"key-{index}";
        await next(context);
    }

    private int Match(byte[] digest)
    {
        var found = -1;
        for (var i = 0; i < _keyDigests.Length; i++)
        {
            // Every key is compared, so the time taken does not say which one matched.
            if (CryptographicOperations.FixedTimeEquals(_keyDigests[i], digest))
            {
                found = i;
            }
        }

        return found;
    }

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key ? key : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
