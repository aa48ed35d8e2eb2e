using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Security;

/// <summary>
/// Checks <c>Authorization: Bearer</c> or <c>X-Api-Key</c> on /api routes against the configured keys, comparing
/// SHA-256 digests in constant time so neither the keys' content nor their length leaks through timing. A read key
/// (<c>Gateway:ReadKeys</c>) passes GET and HEAD only; anything else it asks is refused with 403.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public const string KeyItem = "UploadProxy.ApiKey";

    private readonly byte[][] _writeDigests = Digests(options.Value.ApiKeys);
    private readonly byte[][] _readDigests = Digests(options.Value.ReadKeys);

    public async Task InvokeAsync(HttpContext context)
    {
        if (_writeDigests.Length == 0 && _readDigests.Length == 0)
        {
            await next(context);
            return;
        }

        var digest = Presented(context.Request) is { } presented ? Digest(presented) : null;
        var write = digest is null ? -1 : Match(_writeDigests, digest);
        var read = digest is null ? -1 : Match(_readDigests, digest);
        if (write < 0 && read < 0)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiProblems.Unauthorized().ExecuteAsync(context);
            return;
        }

        if (write < 0 && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await ApiProblems.Forbidden("This key may only read (GET and HEAD); writing needs a key of UPLOADPROXY_API_KEYS.").ExecuteAsync(context);
            return;
        }

        // The rate limiter partitions by key; it gets the key's kind and position, never the key.
        context.Items[KeyItem] = write >= 0 ? $"key-{write}" : $"read-{read}";
        await next(context);
    }

    private static int Match(byte[][] digests, byte[] digest)
    {
        var found = -1;
        for (var i = 0; i < digests.Length; i++)
        {
            // Every key is compared, so the time taken does not say which one matched.
            if (CryptographicOperations.FixedTimeEquals(digests[i], digest))
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

    private static byte[][] Digests(IEnumerable<string> keys) => [.. keys.Where(k => k.Length > 0).Select(Digest)];

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
