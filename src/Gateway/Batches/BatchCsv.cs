using System.Text;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains;

namespace UploadProxy.Gateway.Batches;

/// <summary>
/// A batch as CSV (RFC 4180: CRLF lines, cells quoted when they hold a comma, quote or line break), written page by
/// page as the batch grain answers them, so a batch of 100 000 sessions never sits whole in the gateway's memory.
/// File names and errors come from callers and remote services, so such a cell that a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) gets a leading <c>'</c> and quotes, as OWASP
/// advises against CSV injection. Ids, statuses and URLs are the product's own and are written exactly, so that the
/// export joins on them: an id may start with <c>-</c>, but ids hold only <c>[A-Za-z0-9_-]</c>, which no formula can
/// call a function with.
/// </summary>
internal static class BatchCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private const string Header = "id,file,status,url,notion_page,error\r\n";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the header and every session of the batch from its first page on, in the order they joined it.</summary>
    public static async Task WriteAsync(Stream body, IBatchGrain batch, BatchSessionsPage first, int pageSize, HttpRequest request, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, Utf8, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteAsync(Header.AsMemory(), cancellationToken);
        var page = first;
        while (true)
        {
            foreach (var session in page.Sessions)
            {
                await writer.WriteAsync(Row(session, request).AsMemory(), cancellationToken);
            }

            // Each page reaches the client before the next is asked for.
            await writer.FlushAsync(cancellationToken);
            if (page.NextPosition is not { } next
                || await batch.GetPageAsync(new BatchPageQuery(next, pageSize, null)) is not { } following)
            {
                return;
            }

            page = following;
        }
    }

    /// <summary>One line: id, file, status, URL, Notion page, error.</summary>
    private static string Row(BatchSessionEntry session, HttpRequest request)
    {
        string[] cells =
        [
            Cell(session.SessionId),
            Text(session.FileName),
            Cell(BatchPageParameters.Name(session.Status)),
            Cell(session.Url is null ? null : SessionResources.Absolute(session.Url, request)),
            Cell(session.NotionPageUrl),
            Text(session.Error),
        ];
        return string.Join(',', cells) + "\r\n";
    }

    /// <summary>A cell of text from outside: neutralised when a spreadsheet would read it as a formula, then as <see cref="Cell"/>.</summary>
    private static string Text(string? value) =>
        value is ['=' or '+' or '-' or '@' or '\t' or '\r', ..] ? Quoted("'" + value) : Cell(value);

    /// <summary>The cell as written: empty for null, quoted when it holds a comma, a quote or a line break.</summary>
    private static string Cell(string? value) =>
        string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value ?? "" : Quoted(value);

    private static string Quoted(string value) => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
