using System.Text;

namespace UploadProxy.Cli.Upload;

/// <summary>The manifest as CSV (RFC 4180), for spreadsheets.</summary>
internal static class ManifestCsv
{
    private const string Header = "file,sha256,session_id,status,url,notion_page_url,error";

    public static Task WriteAsync(string path, IEnumerable<ManifestEntry> entries) =>
        AtomicFile.WriteAsync(path, async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
            writer.NewLine = "\r\n";
            await writer.WriteLineAsync(Header);
            foreach (var entry in entries)
            {
                string?[] fields =
                [
                    entry.Path, entry.Sha256, entry.SessionId, entry.Status, entry.Url, entry.NotionPageUrl,
                    entry.Error is { } error ? $"{error.Code}: {error.Message}" : null,
                ];
                await writer.WriteLineAsync(string.Join(',', fields.Select(Field)));
            }
        });

    private static string Field(string? value) =>
        value is null ? ""
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
        : value;
}
