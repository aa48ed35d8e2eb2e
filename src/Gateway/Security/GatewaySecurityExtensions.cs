using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Security;

internal static partial class GatewaySecurityExtensions
{
    public const string ApiRateLimit = "api";

    /// <summary>Without API keys, whatever addresses were asked for become loopback ones: an open gateway stays on this machine.</summary>
    public static WebApplicationBuilder ListenOnLoopbackWithoutKeys(this WebApplicationBuilder builder)
    {
        var keys = builder.Configuration.GetSection($"{GatewayOptions.SectionName}:ApiKeys").Get<List<string>>() ?? [];
        if (keys.Any(k => k.Length > 0) || builder.Configuration["urls"] is not { Length: > 0 } urls)
        {
            return builder;
        }

        var loopback = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ToLoopback);
        builder.WebHost.UseUrls([.. loopback]);
        return builder;
    }

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ApiRateLimit, context =>
            {
                // Without keys (a loopback-only gateway) there is no caller to tell apart and nothing to limit.
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
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.ApiKeys.Count(k => k.Length > 0) is var keys and > 0)
        {
            LogKeysRequired(logger, keys);
        }
        else
        {
            LogLoopbackOnly(logger);
        }
    }

    private static string ToLoopback(string url)
    {
        var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        return uri.IsLoopback ? url : $"{uri.Scheme}://127.0.0.1:{uri.Port}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys required on /api ({Count} configured)")]
    private static partial void LogKeysRequired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys configured (UPLOADPROXY_API_KEYS): the gateway listens on loopback only and asks no key")]
    private static partial void LogLoopbackOnly(ILogger logger);
}
