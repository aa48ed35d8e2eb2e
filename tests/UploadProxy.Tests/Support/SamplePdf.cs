using System.Globalization;
using System.Text;

namespace UploadProxy.Tests.Support;

/// <summary>Small but well-formed PDFs made on the fly: one page of text, padded to the size a test needs.</summary>
public static class SamplePdf
{
    public static byte[] Create(string text = "Scanned page", int minimumBytes = 0, int seed = 0)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        };
        var content = $"BT /F1 18 Tf 72 720 Td ({text} {seed.ToString(CultureInfo.InvariantCulture)}) Tj ET";
        objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
        objects.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        // Comment lines pad the file without changing what it shows.
        var padding = new StringBuilder();
        var line = 0;
        while (pdf.Length + padding.Length + 200 < minimumBytes)
        {
            padding.Append(CultureInfo.InvariantCulture, $"% padding {seed} {line++} {new string('x', 90)}\n");
        }

        pdf.Append(padding);
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
