using System.Globalization;
using System.Text.Json.Nodes;

namespace UploadProxy.Grains.Notion;

/// <summary>Turns a <see cref="NotionRow"/> into page property values for the properties the database really has.</summary>
public static class NotionProperties
{
    private const int MaxTextLength = 2000;

    public static JsonObject Build(NotionRow row, NotionPropertyNames names, IReadOnlyDictionary<string, string> schema)
    {
        var properties = new JsonObject();
        void Set(string? name, string? value)
        {
            if (!string.IsNullOrEmpty(name) && value is not null && schema.TryGetValue(name, out var type) && ValueOf(type, value) is { } json)
            {
                properties[name] = json;
            }
        }

        // The caller's metadata first, so that the product's own values win where names collide.
        foreach (var (key, value) in row.Metadata)
        {
            Set(key, value);
        }

        Set(names.Title, row.FileName);
        Set(names.Url, row.Url);
        Set(names.SessionId, row.SessionId);
        Set(names.Size, row.Size.ToString(CultureInfo.InvariantCulture));
        Set(names.UploadedAt, row.UploadedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        Set(names.Batch, row.BatchId);
        Set(names.Pages, row.PageCount?.ToString(CultureInfo.InvariantCulture));
        Set(names.Text, string.IsNullOrWhiteSpace(row.Text) ? null : row.Text);
        if (!string.IsNullOrEmpty(names.File) && schema.GetValueOrDefault(names.File) == "files")
        {
            properties[names.File] = new JsonObject
            {
                ["files"] = new JsonArray(new JsonObject
                {
                    ["name"] = Truncate(row.FileName, 100),
                    ["type"] = "external",
                    ["external"] = new JsonObject { ["url"] = row.Url },
                }),
            };
        }

        return properties;
    }

    /// <summary>A value in the shape of the property's type, or null where a string cannot become that type.</summary>
    private static JsonObject? ValueOf(string type, string value) => type switch
    {
        "title" or "rich_text" => new JsonObject { [type] = new JsonArray(new JsonObject { ["text"] = new JsonObject { ["content"] = Truncate(value, MaxTextLength) } }) },
        "url" => new JsonObject { ["url"] = Truncate(value, MaxTextLength) },
        "number" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? new JsonObject { ["number"] = number } : null,
        "date" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) ? new JsonObject { ["date"] = new JsonObject { ["start"] = value } } : null,
        "select" => value.Contains(',', StringComparison.Ordinal) ? null : new JsonObject { ["select"] = new JsonObject { ["name"] = Truncate(value, 100) } },
        _ => null,
    };

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
