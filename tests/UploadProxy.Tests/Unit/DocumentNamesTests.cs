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
    [InlineData("..")]
    [InlineData("scans/")]
    [InlineData("scans/..")]
    [InlineData("tab\there.pdf")]
    [InlineData("   ")]
    public void File_names_of_folders_with_control_characters_or_nothing_are_refused(string fileName)
    {
        Assert.NotNull(DocumentNames.Problem(fileName));
    }

    [Theory]
    [InlineData("C:\\scans\\a.pdf", "a.pdf")]
    [InlineData("../a.pdf", "a.pdf")]
    [InlineData("/var/scans/2026/a.pdf", "a.pdf")]
    [InlineData("a.pdf", "a.pdf")]
    public void Path_parts_of_a_file_name_are_cut_off_to_the_last_segment(string fileName, string expected)
    {
        Assert.Null(DocumentNames.Problem(fileName));
        Assert.Equal(expected, DocumentNames.LastSegment(fileName));
    }

    [Fact]
    public void File_names_longer_than_255_characters_are_refused()
    {
        Assert.NotNull(DocumentNames.Problem(new string('a', 300)));
        Assert.Null(DocumentNames.Problem(new string('a', 251) + ".pdf"));
    }
}
