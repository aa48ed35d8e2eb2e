using System.Text;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains;

namespace UploadProxy.Gateway.Batches;

/// <summary>
/// A batch as CSV (RFC 4180: CRLF lines, cells quoted when they hold a comma, quote or line break), written page by
/// page as the batch grain answers them, so a batch of 100 000 sessions never sits whole in the gateway's memory.
/// File names and errors come from callers and remote services, so a cell that a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) gets a leading <c>'</c> and quotes, as OWASP
/// advises against CSV injection; every column gets the same rule, so a consumer strips it the same way everywhere.
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
    public static string Row(BatchSessionEntry session, HttpRequest request)
    {
        var line = new StringBuilder();
        string?[] cells =
        [
            session.SessionId,
            session.FileName,
            BatchPageParameters.Name(session.Status),
            session.Url is null ? null : SessionResource.Absolute(session.Url, request),
            session.NotionPageUrl,
            session.Error,
        ];
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Cell(cells[i]));
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>The cell as written: empty for null, neutralised when a spreadsheet would read it as a formula, quoted when needed.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var formula = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (!formula && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }

        return $"\"{(formula ? "'" : "")}{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
