using UploadProxy.Grains.Sessions;

namespace UploadProxy.Tests.Unit;

public sealed class DocumentNamesTests
{
    [Theory]
    [InlineData("scan-0001.pdf", "scan-0001.pdf")]
    [InlineData("Scan 0001 (copie).PDF", "Scan-0001-copie.pdf")]
    [InlineData("facture été #3?.pdf", "facture-ete-3.pdf")]
    [InlineData("rapport", "rapport.pdf")]
    [InlineData("%<>&.pdf", "document.pdf")]
    [InlineData("...hidden.pdf", "hidden.pdf")]
    public void Safe_names_keep_letters_digits_and_the_pdf_extension(string fileName, string expected)
    {
        Assert.Equal(expected, DocumentNames.ToSafeName(fileName));
    }

    [Fact]
    public void Safe_names_are_short_enough_for_cloudinarys_public_id_limit()
    {
        var publicId = DocumentNames.PublicId("dashboard-documents", DocumentNames.NewPublicIdPrefix(DateTimeOffset.UtcNow), new string('a', 255));

        Assert.True(publicId.Length < 255);
        Assert.EndsWith(".pdf", publicId);
    }

    [Fact]
    public void A_public_id_is_time_then_eight_random_characters_then_the_name()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1732406400123);

        var publicId = DocumentNames.PublicId("dashboard-documents", DocumentNames.NewPublicIdPrefix(now), "scan-0001.pdf");

        Assert.Matches("^dashboard-documents/1732406400123-[a-z0-9]{8}-scan-0001\\.pdf$", publicId);
    }

    [Theory]
    [InlineData("a/b.pdf")]
    [InlineData("a\\b.pdf")]
    [InlineData("..")]
    [InlineData("tab\there.pdf")]
    [InlineData("   ")]
    public void File_names_with_path_parts_control_characters_or_nothing_are_refused(string fileName)
    {
        Assert.NotNull(DocumentNames.Problem(fileName));
    }

    [Fact]
    public void File_names_longer_than_255_characters_are_refused()
    {
        Assert.NotNull(DocumentNames.Problem(new string('a', 300)));
        Assert.Null(DocumentNames.Problem(new string('a', 251) + ".pdf"));
    }
}
