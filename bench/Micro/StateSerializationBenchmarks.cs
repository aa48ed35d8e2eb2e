using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;

namespace UploadProxy.Bench.Micro;

/// <summary>
/// A session's state through the grain storage serializer every state write and read goes through: the one a silo
/// resolves by default (the product's SQLite storage takes it from the silo's services), taken from a silo host that
/// is built but never started.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet runs benchmarks through a type it derives from this one.</remarks>
public class StateSerializationBenchmarks : IDisposable
{
    private IHost? _host;
    private IGrainStorageSerializer _serializer = null!;
    private UploadSessionState _state = null!;
    private BinaryData _serialized = null!;

    /// <summary>The serializer's type, shown in the summary so that a reader knows which one was measured.</summary>
    [ParamsSource(nameof(SerializerNames))]
    public string Serializer { get; set; } = "";

    public static IEnumerable<string> SerializerNames() => [ResolveSerializerName()];

    [GlobalSetup]
    public void Setup()
    {
        _host = BuildSilo();
        _serializer = _host.Services.GetRequiredService<IGrainStorageSerializer>();
        _state = UploadedState();
        _serialized = _serializer.Serialize(_state);
    }

    [Benchmark]
    public BinaryData Serialize() => _serializer.Serialize(_state);

    [Benchmark]
    public UploadSessionState Deserialize() =>
        _serializer.Deserialize<UploadSessionState>(_serialized) ?? throw new InvalidOperationException("The state did not deserialize.");

    [GlobalCleanup]
    public void Dispose()
    {
        _host?.Dispose();
        _host = null;
        GC.SuppressFinalize(this);
    }

    private static string ResolveSerializerName()
    {
        using var host = BuildSilo();
        // Short enough for the summary's column: JsonGrainStorageSerializer shows as "Json".
        return host.Services.GetRequiredService<IGrainStorageSerializer>().GetType().Name.Replace("GrainStorageSerializer", "", StringComparison.Ordinal);
    }

    private static IHost BuildSilo()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering());
        return builder.Build();
    }

    /// <summary>A session as it stands most of its life: stored on Cloudinary and linked in Notion.</summary>
    private static UploadSessionState UploadedState()
    {
        var created = DateTimeOffset.UnixEpoch.AddMilliseconds(1_764_160_000_123);
        return new UploadSessionState
        {
            Status = SessionStatus.Linked,
            FileName = "scan-0001.pdf",
            DeclaredLength = 1_048_576,
            BatchId = "ocr-2026-11-26",
            Metadata = new Dictionary<string, string> { ["source"] = "scanner-3", ["operator"] = "night-shift" },
            PublicIdPrefix = "1764160000123-k3j9x2ab",
            PublicId = "dashboard-documents/1764160000123-k3j9x2ab-scan-0001.pdf",
            Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Length = 1_048_576,
            Storage = new StoredAsset
            {
                Provider = "cloudinary",
                PublicId = "dashboard-documents/1764160000123-k3j9x2ab-scan-0001.pdf",
                Version = 1_764_160_001,
                Bytes = 1_048_576,
                SecureUrl = "https://res.cloudinary.com/fake-cloud/raw/upload/v1764160001/dashboard-documents/1764160000123-k3j9x2ab-scan-0001.pdf",
                AssetId = "3515c6000a548515f1134043f9785c2f",
            },
            Notion = new NotionLink(NotionLinkStatus.Linked, "59833787-2cf9-4fdf-8782-e53db20768a5", "https://www.notion.so/59833787"),
            Attempts = 1,
            CreatedTime = created,
            UpdatedTime = created.AddSeconds(2),
            ExpiryTime = created.AddDays(1),
        };
    }
}
