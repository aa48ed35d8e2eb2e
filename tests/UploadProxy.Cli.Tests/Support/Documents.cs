using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace UploadProxy.Cli.Tests.Support;

/// <summary>A temporary folder of generated documents, removed afterwards.</summary>
public sealed class Documents : IDisposable
{
    public Documents()
    {
        Root = Path.Combine(Path.GetTempPath(), "uploadproxy-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string ManifestPath => Path.Combine(Root, ".uploadproxy-manifest.json");

    public string CsvPath => Path.Combine(Root, ".uploadproxy-manifest.csv");

    /// <summary>A PDF by its first bytes, of <paramref name="size"/> bytes that no other seed repeats.</summary>
    public string AddPdf(string relativePath, int seed, int size = 48 * 1024)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var header = Encoding.ASCII.GetBytes($"%PDF-1.7\n% test document {seed}\n");
        header.CopyTo(bytes, 0);
        return Add(relativePath, bytes);
    }

    public string Add(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return Path.GetFullPath(path);
    }

    public IReadOnlyList<string> AddPdfs(int count, int size = 48 * 1024) =>
        [.. Enumerable.Range(1, count).Select(index => AddPdf(Path.Combine($"box-{index % 3}", $"scan-{index:D4}.pdf"), index, size))];

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The manifest's entries by file path.</summary>
    public IReadOnlyDictionary<string, JsonElement> ReadManifest()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ManifestPath));
        return document.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(entry => entry.GetProperty("path").GetString()!, entry => entry.Clone());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}

public static class ManifestEntryExtensions
{
    public static string? Text(this JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
