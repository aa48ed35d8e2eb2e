using System.Globalization;
using System.Reflection;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;
using UploadProxy.Fakes;

namespace UploadProxy.Bench;

/// <summary>What the scenarios of one run share: the options, the table, the fake Cloudinary, the temp folder, the ceiling's figures.</summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private FakeCloudinaryServer? _cloudinary;

    public BenchContext(BenchOptions options)
    {
        Options = options;
        TempRoot = Directory.CreateTempSubdirectory("uploadproxy-bench-").FullName;
    }

    public BenchOptions Options { get; }

    public ResultTable Table { get; } = new();

    public string TempRoot { get; }

    /// <summary>Requests per second of the ceiling's small JSON, once measured.</summary>
    public double? CeilingJsonPerSecond { get; set; }

    /// <summary>Latency p99 of the ceiling's small JSON, in ms, once measured.</summary>
    public double? CeilingJsonP99 { get; set; }

    /// <summary>Requests per second of the ceiling's 1 MB upload, once measured.</summary>
    public double? CeilingUploadPerSecond { get; set; }

    public bool ExternalGateway => Options.Gateway is not null;

    /// <summary>
    /// One note per measured phase: its count and time, how busy the machine was and how much of that was other
    /// processes' (the machine is shared), and its failures.
    /// </summary>
    public void NotePhase(string phase, LoadResult result, string unit, string? bounds = null)
    {
        var cpu = double.IsNaN(result.MachineCpu)
            ? "machine CPU not known (its clock ticks did not add up to the time that passed)"
            : string.Create(CultureInfo.InvariantCulture, $"machine CPU {result.MachineCpu:0} % busy, {result.ForeignCpu:0} % of all cores used by other processes");
        var note = string.Create(CultureInfo.InvariantCulture, $"{phase}: {result.Completed} {unit} in {result.Elapsed.TotalSeconds:0.0} s{bounds}; {cpu}");
        if (result.Errors > 0)
        {
            note += $"; {result.Errors} failed (not counted), the first: {result.FirstError}";
        }

        Table.Note(note + ".");
    }

    /// <summary>The fake Cloudinary, keeping no bytes: the figures are then the product's, not the fake's.</summary>
    public async Task<FakeCloudinaryServer> CloudinaryAsync() =>
        _cloudinary ??= await FakeCloudinaryServer.StartAsync(new FakeCloudinaryOptions { DiscardContent = true });

    /// <summary>
    /// The gateway under test: a fresh process with its own data folder (one machine: gateway and silo in one
    /// process, SQLite state), or the running one that <c>--gateway</c> names.
    /// </summary>
    public async Task<GatewayUnderTest> StartGatewayAsync(string purpose, IReadOnlyDictionary<string, string>? settings = null)
    {
        if (Options.Gateway is { } external)
        {
            return new GatewayUnderTest(purpose, external, null, Options.ApiKey);
        }

        var cloudinary = await CloudinaryAsync();
        var folder = Directory.CreateDirectory(Path.Combine(TempRoot, $"gateway-{purpose}")).FullName;
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["UPLOADPROXY_DATA_DIR"] = Path.Combine(folder, "data"),
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",

            // The bench is one client on one address: the per-client request limit must not be what it measures.
            ["Gateway__RequestsPerSecond"] = "100000",
            ["Gateway__RequestBurst"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = await ServerProcess.StartAsync($"gateway ({purpose})", [GatewayAssembly(), "--urls", address.ToString()], address, environment, folder);
        return new GatewayUnderTest(purpose, address, process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cloudinary is not null)
        {
            await _cloudinary.DisposeAsync();
        }

        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the system's temp cleaning takes it.
        }
    }

    private static string GatewayAssembly()
    {
        var path = typeof(BenchContext).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "GatewayAssembly").Value!;
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException("The gateway is not built: dotnet build src/Gateway -c Release (dotnet run --project bench builds it).", path);
    }
}
