using System.Text.Encodings.Web;
using System.Text.Json;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Upload;

/// <summary>
/// The manifest in memory and on disk. Every change is written before <see cref="PutAsync"/> returns,
/// through a temporary file and a rename, so an interrupted run leaves the last whole manifest.
/// </summary>
internal sealed class ManifestStore : IDisposable
{
    // People read the manifest too: paths and messages stay as written rather than \u-escaped.
    private static readonly CliJson Json = new(new(CliJson.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Dictionary<string, ManifestEntry> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ManifestEntry> _sessionBySha = new(StringComparer.Ordinal);
    private readonly string _gateway;
    private readonly string _batchId;
    private readonly TimeProvider _time;
    private long _version;
    private long _savedVersion;

    private ManifestStore(string path, string gateway, string batchId, TimeProvider time)
    {
        FilePath = path;
        _gateway = gateway;
        _batchId = batchId;
        _time = time;
    }

    public string FilePath { get; }

    /// <summary>Loads the manifest at <paramref name="path"/>, or starts an empty one.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a manifest.</exception>
    public static async Task<ManifestStore> OpenAsync(
        string path, string gateway, string batchId, TimeProvider time, CancellationToken cancellationToken)
    {
        var store = new ManifestStore(path, gateway, batchId, time);
        if (!File.Exists(path))
        {
            return store;
        }

        ManifestDocument? document;
        try
        {
            await using var stream = File.OpenRead(path);
            document = await JsonSerializer.DeserializeAsync(stream, CliJson.Default.ManifestDocument, cancellationToken);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not an upload manifest: {exception.Message}", exception);
        }

        if (document is null || document.Version != ManifestDocument.CurrentVersion)
        {
            throw new InvalidDataException($"{path} is not a version {ManifestDocument.CurrentVersion} upload manifest.");
        }

        foreach (var entry in document.Files.OrderBy(entry => entry.UpdatedTime))
        {
            store.Index(entry);
        }

        return store;
    }

    /// <summary>The entry that holds a session for these bytes, whatever file they were read from.</summary>
    public ManifestEntry? FindSession(string sha256)
    {
        lock (_lock)
        {
            return _sessionBySha.GetValueOrDefault(sha256);
        }
    }

    public IReadOnlyList<ManifestEntry> Entries()
    {
        lock (_lock)
        {
            return [.. _byPath.Values.OrderBy(entry => entry.Path, StringComparer.Ordinal)];
        }
    }

    /// <summary>Records <paramref name="entry"/> and writes the manifest, unless a later write already holds it.</summary>
    public async Task<ManifestEntry> PutAsync(ManifestEntry entry)
    {
        entry = entry with { UpdatedTime = _time.GetUtcNow() };
        long version;
        lock (_lock)
        {
            Index(entry);
            version = ++_version;
        }

        // Not cancellable: a change that was made must reach the disk, or a rerun would send its file again.
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            if (_savedVersion >= version)
            {
                return entry;
            }

            ManifestDocument document;
            long snapshot;
            lock (_lock)
            {
                snapshot = _version;
                document = new ManifestDocument
                {
                    Gateway = _gateway,
                    BatchId = _batchId,
                    UpdatedTime = _time.GetUtcNow(),
                    Files = [.. _byPath.Values.OrderBy(file => file.Path, StringComparer.Ordinal)],
                };
            }

            await AtomicFile.WriteAsync(FilePath, stream => JsonSerializer.SerializeAsync(stream, document, Json.ManifestDocument));
            _savedVersion = snapshot;
            return entry;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();

    private void Index(ManifestEntry entry)
    {
        _byPath[entry.Path] = entry;
        if (entry is { SessionId: not null, Sha256: { } sha })
        {
            _sessionBySha[sha] = entry;
        }
    }
}
