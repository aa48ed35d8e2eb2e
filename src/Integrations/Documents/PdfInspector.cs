using System.Text;
using UglyToad.PdfPig;

namespace UploadProxy.Integrations.Documents;

/// <summary>What the PDF itself says: its page count and the start of its text layer (OCR output has one).</summary>
public sealed record PdfSummary(int PageCount, string? Text);

public static class PdfInspector
{
    /// <summary>Reads a PDF; null when it cannot be parsed, which never stops the document from being stored and linked.</summary>
    public static PdfSummary? TryInspect(Stream pdf, int maxTextLength)
    {
        try
        {
            using var document = PdfDocument.Open(pdf);
            var text = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                if (text.Length >= maxTextLength)
                {
                    break;
                }

                var words = string.Join(' ', page.GetWords().Select(w => w.Text));
                if (words.Length > 0)
                {
                    text.Append(text.Length > 0 ? "\n" : "").Append(words);
                }
            }

            var excerpt = text.Length > maxTextLength ? text.ToString(0, maxTextLength) : text.ToString();
            return new PdfSummary(document.NumberOfPages, excerpt.Length > 0 ? excerpt : null);
        }
#pragma warning disable CA1031 // PdfPig throws many exception types on malformed input; any of them means "no summary".
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
