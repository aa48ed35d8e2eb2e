using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UploadProxy.Integrations.Notion;

/// <summary>
/// Turns a <see cref="NotionRow"/> into page property values for the properties the database really has, and says
/// which values Notion would refuse: the same rules serve the gateway's <c>create</c> and the row itself.
/// </summary>
public static partial class NotionProperties
{
    /// <summary>Notion's limit per text content object, and per URL.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>Notion's limit on a select option's name and on a file's name.</summary>
    public const int MaxNameLength = 100;

    public static JsonObject Build(NotionRow row, NotionPropertyNames names, IReadOnlyDictionary<string, string> schema) =>
        Build(row, names, schema, leftOut: null);

    /// <param name="leftOut">Receives, for each value the product computed that Notion would refuse, why it was left out.</param>
    /// <exception cref="NotionException">
    /// A final <c>invalid_metadata</c> when a caller's metadata value cannot fit its property: the row can never be created.
    /// </exception>
    public static JsonObject Build(NotionRow row, NotionPropertyNames names, IReadOnlyDictionary<string, string> schema, ICollection<string>? leftOut)
    {
        var properties = new JsonObject();
        var own = OwnProperties(names);

        // Caller metadata fills only properties that are not the product's own, whatever their value.
        foreach (var (key, value) in row.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (own.Contains(key) || !schema.TryGetValue(key, out var type))
            {
                continue;
            }

            if (MetadataProblem(key, value, type) is { } problem)
            {
                throw NotionException.Invalid("invalid_metadata", problem);
            }

            if (ValueOf(type, value) is { } json)
            {
                properties[key] = json;
            }
        }

        void Set(string? name, string? value)
        {
            if (string.IsNullOrEmpty(name) || value is null || !schema.TryGetValue(name, out var type))
            {
                return;
            }

            if (Problem(value, type) is { } problem)
            {
                leftOut?.Add($"'{name}' {problem}");
            }
            else if (ValueOf(type, value) is { } json)
            {
                properties[name] = json;
            }
        }

        // Texts the product writes are cut to Notion's limit rather than left out.
        Set(names.Title, Truncate(row.FileName, MaxTextLength));
        Set(names.Url, row.Url);
        Set(names.SessionId, row.SessionId);
        Set(names.Size, row.Size.ToString(CultureInfo.InvariantCulture));
        Set(names.UploadedAt, row.UploadedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        Set(names.Batch, row.BatchId);
        Set(names.Pages, row.PageCount?.ToString(CultureInfo.InvariantCulture));
        Set(names.Text, string.IsNullOrWhiteSpace(row.Text) ? null : Truncate(row.Text, MaxTextLength));
        if (!string.IsNullOrEmpty(names.File) && schema.GetValueOrDefault(names.File) == "files")
        {
            if (row.Url.Length > MaxTextLength)
            {
                leftOut?.Add($"'{names.File}' is a URL of {row.Url.Length} characters, over Notion's {MaxTextLength}");
            }
            else
            {
                properties[names.File] = new JsonObject
                {
                    ["files"] = new JsonArray(new JsonObject
                    {
                        ["name"] = Truncate(row.FileName, MaxNameLength),
                        ["type"] = "external",
                        ["external"] = new JsonObject { ["url"] = row.Url },
                    }),
                };
            }
        }

        return properties;
    }

    /// <summary>The properties the product fills itself, which caller metadata never fills.</summary>
    public static IReadOnlySet<string> OwnProperties(NotionPropertyNames names) =>
        names.Expected().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Why a caller's metadata value cannot fill the property of that name and type, naming the key; null when it
    /// fits, or when the product does not write that type from text (the value is then left out).
    /// </summary>
    public static string? MetadataProblem(string key, string value, string type) =>
        Problem(value, type) is { } problem ? $"metadata '{key}' fills the {type} property of that name, but its value {problem}." : null;

    /// <summary>Why Notion would refuse this text as a value of this type, or null.</summary>
    private static string? Problem(string value, string type) => type switch
    {
        "number" when !IsFiniteNumber(value) => $"'{Shorten(value)}' is not a finite number",
        "date" when !IsIsoDate(value) => $"'{Shorten(value)}' is not an ISO 8601 date (2026-11-24 or 2026-11-24T10:00:00Z)",
        "title" or "rich_text" or "url" when value.Length > MaxTextLength => $"has {value.Length} characters, over Notion's {MaxTextLength}",
        "select" when value.Contains(',', StringComparison.Ordinal) => "holds a comma, which a select option cannot",
        "select" when value.Length > MaxNameLength => $"has {value.Length} characters, over the {MaxNameLength} of a select option",
        _ => null,
    };

    private static bool IsFiniteNumber(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);

    private static bool IsIsoDate(string value) =>
        IsoDatePattern().IsMatch(value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    /// <summary>A value in the shape of the property's type, or null for a type the product does not write from text.</summary>
    private static JsonObject? ValueOf(string type, string value) => type switch
    {
        "title" or "rich_text" => new JsonObject { [type] = new JsonArray(new JsonObject { ["text"] = new JsonObject { ["content"] = value } }) },
        "url" => new JsonObject { ["url"] = value },
        "number" => new JsonObject { ["number"] = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
        "date" => new JsonObject { ["date"] = new JsonObject { ["start"] = value } },
        "select" => new JsonObject { ["select"] = new JsonObject { ["name"] = value } },
        _ => null,
    };

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>What Notion takes as a date: a day, or a day and a time with an optional offset.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDatePattern();
}
