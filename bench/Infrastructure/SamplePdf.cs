using System.Globalization;
using System.Text;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>
/// Well-formed one-page PDFs of any size: a page of text, then comment lines of random text that pad the file without changing what
/// it shows, then the cross-reference table. Written as a stream so that a 100 MB document never sits in memory.
/// </summary>
internal static class SamplePdf
{
    private const int PaddingLineLength = 100;
    private const string Filler = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static byte[] Create(long size, string text = "UploadProxy benchmark")
    {
        using var buffer = new MemoryStream(checked((int)size));
        Write(buffer, size, text);
        return buffer.ToArray();
    }

    public static void WriteFile(string path, long size, string text = "UploadProxy benchmark")
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024);
        Write(file, size, text);
    }

    /// <summary>Writes exactly <paramref name="size"/> bytes (at least the size of the bare document).</summary>
    public static void Write(Stream output, long size, string text)
    {
        var content = $"BT /F1 18 Tf 72 720 Td ({text}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {content.Length} >>\nstream\n{content}\nendstream"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];

        var head = new StringBuilder("%PDF-1.4\n");
        var offsets = new long[objects.Length];
        for (var i = 0; i < objects.Length; i++)
        {
            offsets[i] = head.Length;
            head.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        // The trailer's length does not depend on where the xref starts as long as the offset keeps its width: pad
        // to a fixed width so the sizes add up exactly.
        var xref = new StringBuilder();
        xref.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            xref.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        const string TrailerFormat = "trailer\n<< /Size {0} /Root 1 0 R >>\nstartxref\n{1:D12}\n%%EOF\n";
        var trailerLength = string.Format(CultureInfo.InvariantCulture, TrailerFormat, objects.Length + 1, 0L).Length;
        var padding = Math.Max(0, size - head.Length - xref.Length - trailerLength);

        WriteAscii(output, head.ToString());
        WritePadding(output, padding);
        WriteAscii(output, xref.ToString());
        WriteAscii(output, string.Format(CultureInfo.InvariantCulture, TrailerFormat, objects.Length + 1, head.Length + padding));
    }

    private static void WritePadding(Stream output, long bytes)
    {
        // "%" + filler + "\n" lines; the last line takes what is left. The filler is random printable text, so the
        // document compresses no better than a real one (scans and Flate streams): a store that tries to compress it
        // (PostgreSQL's TOAST, say) pays what it would pay for real documents. Seeded: every run sends the same bytes.
        var random = new Random(20261207);
        var line = new byte[PaddingLineLength];
        while (bytes > 0)
        {
            var length = (int)Math.Min(bytes, PaddingLineLength);
            var current = line.AsSpan(0, length);
            for (var i = 0; i < current.Length; i++)
            {
                current[i] = (byte)Filler[random.Next(Filler.Length)];
            }

            current[0] = (byte)'%';
            current[^1] = (byte)'\n';
            output.Write(current);
            bytes -= length;
        }
    }

    private static void WriteAscii(Stream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));
}
