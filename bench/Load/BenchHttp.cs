using System.Net;

namespace UploadProxy.Bench.Load;

/// <summary>The load generator's connection pool: HTTP/1.1 keep-alive, one connection per worker, nothing else.</summary>
internal static class BenchHttp
{
    public static SocketsHttpHandler CreateHandler(int connections) => new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    };
}
