namespace UploadProxy.Integrations.Documents;

/// <summary>Reads what a stored PDF says of itself, for its Notion row.</summary>
public interface IDocumentInspector
{
    /// <summary>The page count and the start of the text layer; null when the PDF cannot be parsed.</summary>
    PdfSummary? Inspect(Stream pdf, int maxTextLength);
}

/// <summary>The inspector of the product: PdfPig, in process.</summary>
internal sealed class PdfPigDocumentInspector : IDocumentInspector
{
    public PdfSummary? Inspect(Stream pdf, int maxTextLength) => PdfInspector.TryInspect(pdf, maxTextLength);
}
