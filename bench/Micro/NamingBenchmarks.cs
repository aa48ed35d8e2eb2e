using BenchmarkDotNet.Attributes;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Cloudinary;

namespace UploadProxy.Bench.Micro;

/// <summary>What every create and every upload computes: ids, names, the Cloudinary signature.</summary>
/// <remarks>Not sealed: BenchmarkDotNet runs benchmarks through a type it derives from this one.</remarks>
public class NamingBenchmarks
{
    private readonly string _apiSecret = "fake-api-secret-for-tests";
    private readonly string _fileName = "Relevé de compte — Überweisung Nr. 42 (copie).PDF";
    private readonly DateTimeOffset _now = DateTimeOffset.UnixEpoch.AddMilliseconds(1_764_160_000_123);

    // The parameters of one signed raw upload, as CloudinaryDocumentStore sends them.
    private readonly KeyValuePair<string, string>[] _uploadParameters =
    [
        new("timestamp", "1764160000"),
        new("public_id", "dashboard-documents/1764160000123-k3j9x2ab-scan-0001.pdf"),
        new("overwrite", "true"),
        new("invalidate", "true"),
        new("resource_type", "raw"),
        new("api_key", "fake-api-key"),
        new("file", "(binary)"),
    ];

    [Benchmark]
    public string CloudinarySignatureSign() => CloudinarySignature.Sign(_uploadParameters, _apiSecret, "sha256");

    [Benchmark]
    public string DocumentNamesToSafeName() => DocumentNames.ToSafeName(_fileName);

    [Benchmark]
    public string DocumentNamesNewPublicIdPrefix() => DocumentNames.NewPublicIdPrefix(_now);

    /// <summary>Static in the product; kept an instance method here, as BenchmarkDotNet calls benchmarks on an instance.</summary>
    [Benchmark]
#pragma warning disable CA1822
    public string SessionIdNew() => SessionId.New();
#pragma warning restore CA1822
}
