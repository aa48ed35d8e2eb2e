using UploadProxy.Fakes;

namespace UploadProxy.Tests.Support;

public static class NotionDatabases
{
    /// <summary>The fake's documents database, plus a select, a number and a date property that a session's metadata can fill.</summary>
    public static readonly IReadOnlyDictionary<string, string> Documents =
        new Dictionary<string, string>(FakeNotionServer.DocumentsSchema) { ["source"] = "select", ["amount"] = "number", ["due"] = "date" };

    public static Dictionary<string, string?> WithNotion(this Dictionary<string, string?> settings, FakeNotionServer notion, string databaseId, string version, double requestsPerSecond)
    {
        settings["Notion:Token"] = notion.Token;
        settings["Notion:DatabaseId"] = databaseId;
        settings["Notion:BaseUrl"] = notion.BaseUrl.ToString();
        settings["Notion:Version"] = version;
        settings["Notion:RequestsPerSecond"] = requestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notion:QueryIndexLag"] = "00:00:02";
        return settings;
    }

    public static string? Text(this FakeNotionPage page, string property)
    {
        var value = page.Properties.GetProperty(property);
        var type = value.GetProperty("type").GetString()!;
        return type switch
        {
            "title" or "rich_text" => string.Concat(value.GetProperty(type).EnumerateArray().Select(t => t.GetProperty("text").GetProperty("content").GetString())),
            "url" => value.GetProperty("url").GetString(),
            "number" => value.GetProperty("number").ValueKind == System.Text.Json.JsonValueKind.Null ? null : value.GetProperty("number").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "select" => value.GetProperty("select").ValueKind == System.Text.Json.JsonValueKind.Null ? null : value.GetProperty("select").GetProperty("name").GetString(),
            "date" => value.GetProperty("date").ValueKind == System.Text.Json.JsonValueKind.Null ? null : value.GetProperty("date").GetProperty("start").GetString(),
            _ => value.GetRawText(),
        };
    }
}
