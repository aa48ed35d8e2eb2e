using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using UploadProxy.Bench.Ceiling;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;
using UploadProxy.Grains;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// The machine's ceiling, measured in the same run and with the same load generator as the product. The server
/// stays up for the whole run and each figure is taken right before the product figure it is compared with, so that
/// both see the same machine (it is shared).
/// </summary>
internal sealed class CeilingScenario : IAsyncDisposable
{
    public const int JsonConcurrency = 64;
    public const int UploadConcurrency = 16;

    private readonly BenchContext _context;
    private readonly ServerProcess _server;
    private readonly HttpClient _http;

    private CeilingScenario(BenchContext context, ServerProcess server, Uri address)
    {
        _context = context;
        _server = server;
        _http = new HttpClient(BenchHttp.CreateHandler(JsonConcurrency)) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public static async Task<CeilingScenario> StartAsync(BenchContext context)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Logging__LogLevel__Default"] = "Warning",
            // The gateway's GC: src/Gateway turns Server GC off.
            ["DOTNET_gcServer"] = "0",
        };
        var server = await ServerProcess.StartAsync(
            "ceiling server",
            [typeof(CeilingScenario).Assembly.Location, CeilingServer.Command, address.Port.ToString(CultureInfo.InvariantCulture)],
            address,
            environment,
            context.TempRoot);
        return new CeilingScenario(context, server, address);
    }

    public static string WarmupBounds(BenchOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $" after a {options.Warmup.TotalSeconds} s warm-up");

    /// <summary>GET of the same small JSON as info, 64 connections.</summary>
    public async Task MeasureJsonAsync()
    {
        Progress.Say("ceiling: small JSON GET");
        var options = _context.Options;
        var ids = Enumerable.Range(0, 10_000).Select(_ => SessionId.New()).ToArray();
        var result = await LoadRunner.RunAsync(JsonConcurrency, options.Warmup, options.Duration, long.MaxValue, async (timer, cancellationToken) =>
        {
            var uri = new Uri(CeilingServer.InfoPath + ids[RandomNumberGenerator.GetInt32(ids.Length)], UriKind.Relative);
            var start = Stopwatch.GetTimestamp();
            using var response = await _http.GetAsync(uri, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.EnsureSuccessStatusCode();
            timer.Record("info", start);
        });
        _context.CeilingJsonPerSecond = result.PerSecond;
        _context.CeilingJsonP99 = result.Latency("info").P99;
        _context.Table.Add(
            $"ceiling: small JSON GET, bare Kestrel ({JsonConcurrency} connections)",
            $"{ResultTable.Number(result.PerSecond, "0")} req/s; {result.Latency("info")}");
        _context.NotePhase("ceiling JSON", result, "requests", WarmupBounds(options));
    }

    /// <summary>POST of the same 1 MB multipart body as send, read and discarded, 16 connections.</summary>
    public async Task MeasureUploadAsync()
    {
        Progress.Say("ceiling: 1 MB POST");
        var options = _context.Options;
        var payload = new DocumentPayload(SamplePdf.Create(Sizes.Megabyte));
        var uploadUri = new Uri(CeilingServer.UploadPath, UriKind.Relative);
        var result = await LoadRunner.RunAsync(UploadConcurrency, options.Warmup, options.Duration, long.MaxValue, async (timer, cancellationToken) =>
        {
            using var content = payload.CreateContent();
            var start = Stopwatch.GetTimestamp();
            using var response = await _http.PostAsync(uploadUri, content, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.EnsureSuccessStatusCode();
            timer.Record("upload", start);
        });
        _context.CeilingUploadPerSecond = result.PerSecond;
        _context.Table.Add(
            $"ceiling: 1 MB POST read and discarded, bare Kestrel ({UploadConcurrency} connections)",
            $"{ResultTable.Number(result.PerSecond, "0")} req/s, {ResultTable.Number(Sizes.Megabytes(result.PerSecond * payload.DocumentBytes), "0")} MB/s; {result.Latency("upload")}");
        _context.NotePhase("ceiling 1 MB", result, "requests", WarmupBounds(options));
    }

    public async ValueTask DisposeAsync()
    {
        _context.Table.Add("peak RSS, ceiling server process", ResultTable.Megabytes(ProcessMemory.Peak(_server.Id)));
        _http.Dispose();
        await _server.DisposeAsync();
    }
}
