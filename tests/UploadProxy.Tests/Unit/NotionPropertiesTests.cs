using UploadProxy.Integrations.Notion;

namespace UploadProxy.Tests.Unit;

public sealed class NotionPropertiesTests
{
    private static readonly NotionRow Row = new()
    {
        SessionId = "s-1",
        FileName = "scan.pdf",
        Url = "https://res.cloudinary.com/demo/raw/upload/v1/dashboard-documents/scan.pdf",
        Size = 1234,
        UploadedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
        PageCount = 3,
        Text = new string('t', 2500),
        Metadata = new Dictionary<string, string> { ["source"] = "scanner", ["Name"] = "not the title", ["absent"] = "x" },
    };

    [Fact]
    public void Only_properties_the_database_has_are_written_each_in_its_type()
    {
        var schema = new Dictionary<string, string> { ["Name"] = "title", ["URL"] = "url", ["Size"] = "number", ["source"] = "select", ["Text"] = "rich_text" };

        var properties = NotionProperties.Build(Row, new NotionPropertyNames(), schema);

        Assert.Equal(["Name", "Size", "Text", "URL", "source"], properties.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("scan.pdf", (string?)properties["Name"]!["title"]![0]!["text"]!["content"]);
        Assert.Equal(Row.Url, (string?)properties["URL"]!["url"]);
        Assert.Equal(1234, (double?)properties["Size"]!["number"]);
        Assert.Equal("scanner", (string?)properties["source"]!["select"]!["name"]);
        Assert.Equal(2000, ((string?)properties["Text"]!["rich_text"]![0]!["text"]!["content"])!.Length);
    }

    [Fact]
    public void The_files_property_links_the_permanent_url_as_an_external_file()
    {
        var properties = NotionProperties.Build(Row, new NotionPropertyNames(), new Dictionary<string, string> { ["Name"] = "title", ["File"] = "files" });

        var file = properties["File"]!["files"]![0]!;
        Assert.Equal("external", (string?)file["type"]);
        Assert.Equal(Row.Url, (string?)file["external"]!["url"]);
        Assert.Equal("scan.pdf", (string?)file["name"]);
    }
}
