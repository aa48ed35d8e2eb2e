using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Security;

internal static partial class GatewaySecurityExtensions
{
    public const string ApiRateLimit = "api";

    /// <summary>
    /// Without keys the gateway serves loopback only, however its addresses were given. Returns why it must not start
    /// (what to set instead), or null when it may: keys are configured, every address is loopback, or the operator
    /// allowed an open network without keys.
    /// </summary>
    public static string? OpenNetworkWithoutKeys(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        if (options.HasKeys() || options.AllowOpenNetworkWithoutKeys)
        {
            return null;
        }

        var open = ListeningAddresses.Configured(builder.Configuration).Where(url => !ListeningAddresses.IsLoopback(url)).ToList();
        return open.Count == 0
            ? null
            : $"Refusing to start: no API key is configured and the gateway would listen beyond loopback on {string.Join(", ", open)} " +
              "(from --urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS/HTTPS_PORTS, HTTP_PORTS/HTTPS_PORTS or Kestrel:Endpoints), " +
              "where anyone could upload and read documents. Do one of: set UPLOADPROXY_API_KEYS (Gateway:ApiKeys) or " +
              "UPLOADPROXY_READ_KEYS; listen on loopback only (--urls http://127.0.0.1:5000); or, to serve an open network " +
              "without keys on purpose, set UPLOADPROXY_ALLOW_OPEN_NETWORK=true (Gateway:AllowOpenNetworkWithoutKeys).";
    }

    /// <summary>Whether any write or read key is configured: with one, callers are told apart by their key.</summary>
    public static bool HasKeys(this GatewayOptions options) =>
        options.ApiKeys.Exists(key => key.Length > 0) || options.ReadKeys.Exists(key => key.Length > 0);

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ApiRateLimit, context =>
            {
                // Without keys (loopback only, or an open network the operator chose) there is no caller to tell apart.
                if (context.Items[ApiKeyMiddleware.KeyItem] is not string key)
                {
                    return RateLimitPartition.GetNoLimiter("no-key");
                }

                var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RequestBurst,
                    TokensPerPeriod = Math.Max(1, (int)Math.Round(options.RequestsPerSecond / 10)),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Round(options.RequestsPerSecond / 10)) / options.RequestsPerSecond),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblems.RateLimited(seconds).ExecuteAsync(rejected.HttpContext);
            };
        });

    public static void LogListening(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("UploadProxy.Gateway");
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.HasKeys())
        {
            var writeKeys = options.ApiKeys.Count(k => k.Length > 0);
            var readKeys = options.ReadKeys.Count(k => k.Length > 0);
            LogKeysRequired(logger, writeKeys);
            if (readKeys > 0)
            {
                LogReadKeys(logger, readKeys);
            }
        }
        else if (options.AllowOpenNetworkWithoutKeys)
        {
            LogOpenNetwork(logger);
        }
        else
        {
            LogLoopbackOnly(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys required on /api ({Count} configured)")]
    private static partial void LogKeysRequired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read-only keys: {Count}, for GET and HEAD only")]
    private static partial void LogReadKeys(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys configured and Gateway:AllowOpenNetworkWithoutKeys is on: " +
        "anyone who can reach the gateway's addresses may upload and read documents")]
    private static partial void LogOpenNetwork(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys configured (UPLOADPROXY_API_KEYS): the gateway listens on loopback only, serves loopback host names only and asks no key")]
    private static partial void LogLoopbackOnly(ILogger logger);
}
