using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UploadProxy.Fakes.Notion;

/// <summary>Checks the property values of a new page as Notion checks them, and gives them in the form Notion answers.</summary>
internal static partial class PropertyValues
{
    private const int MaxTextLength = 2000;
    private const int MaxRichTextItems = 100;
    private const int MaxUrlLength = 2000;
    private const int MaxNameLength = 100;

    /// <summary>The page's properties as Notion reports them: every property of the schema, given or empty.</summary>
    /// <param name="given">The request's <c>properties</c>, if any.</param>
    public static JsonObject Read(NotionDatabase database, JsonElement? given)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (given is { } properties)
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw NotionException.Validation($"body failed validation: body.properties should be an object, instead was `{properties.GetRawText()}`.");
            }

            foreach (var member in properties.EnumerateObject())
            {
                var property = database.Find(member.Name)
                    ?? throw NotionException.Validation($"{member.Name} is not a property that exists.");
                if (!values.TryAdd(property.Id, Value(property, member.Value)))
                {
                    throw NotionException.Validation($"{property.Name} is given more than once.");
                }
            }
        }

        var title = database.TitleProperty;
        if (!values.ContainsKey(title.Id))
        {
            throw NotionException.Validation($"{title.Name} is the title property and needs a value.");
        }

        var read = new JsonObject();
        foreach (var property in database.Properties)
        {
            read[property.Name] = new JsonObject
            {
                ["id"] = property.Id,
                ["type"] = property.Type,
                [property.Type] = values.TryGetValue(property.Id, out var value) ? value : Empty(property.Type),
            };
        }

        return read;
    }

    private static JsonNode? Value(SchemaProperty property, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(property.Type, out var typed))
        {
            throw Expected(property);
        }

        foreach (var member in value.EnumerateObject())
        {
            var fits = member.Name == property.Type
                || member.Name == "id"
                || (member.Name == "type" && member.Value.ValueKind == JsonValueKind.String && member.Value.ValueEquals(property.Type));
            if (!fits)
            {
                throw Expected(property);
            }
        }

        return property.Type switch
        {
            PropertyTypes.Title or PropertyTypes.RichText => RichText(property, typed),
            PropertyTypes.Url => Url(property, typed),
            PropertyTypes.Number => typed.ValueKind is JsonValueKind.Number or JsonValueKind.Null
                ? JsonValue.Create(typed)
                : throw Invalid(property, "", "should be a number or `null`", typed),
            PropertyTypes.Date => Date(property, typed),
            PropertyTypes.Select => typed.ValueKind == JsonValueKind.Null ? null : Option(property, "", typed),
            PropertyTypes.MultiSelect => new JsonArray([.. Items(property, typed).Select(item => Option(property, item.At, item.Value))]),
            PropertyTypes.Files => new JsonArray([.. Items(property, typed).Select(item => ExternalFile(property, item.At, item.Value))]),
            PropertyTypes.Checkbox => typed.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? typed.GetBoolean()
                : throw Invalid(property, "", "should be a boolean", typed),
            _ => throw new InvalidOperationException($"Unknown property type {property.Type}."),
        };
    }

    private static JsonNode? Empty(string type) => type switch
    {
        PropertyTypes.Title or PropertyTypes.RichText or PropertyTypes.Files or PropertyTypes.MultiSelect => new JsonArray(),
        PropertyTypes.Checkbox => false,
        _ => null,
    };

    private static IEnumerable<(string At, JsonElement Value)> Items(SchemaProperty property, JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(property, "", "should be an array", array);
        }

        return array.EnumerateArray().Select((item, index) => ($"[{index}]", item));
    }

    private static JsonArray RichText(SchemaProperty property, JsonElement items)
    {
        if (items.ValueKind == JsonValueKind.Array && items.GetArrayLength() is var count and > MaxRichTextItems)
        {
            throw Invalid(property, ".length", $"should be ≤ `{MaxRichTextItems}`, instead was `{count}`");
        }

        return new JsonArray([.. Items(property, items).Select(item => TextItem(property, item.At, item.Value))]);
    }

    private static JsonObject TextItem(SchemaProperty property, string at, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(property, $"{at}.text", "should be defined: this fake takes rich text items of type text only");
        }

        foreach (var member in item.EnumerateObject())
        {
            // Styling is accepted and not kept: the fake answers default annotations.
            var fits = member.Name is "text" or "annotations" or "plain_text" or "href"
                || (member.Name == "type" && member.Value.ValueKind == JsonValueKind.String && member.Value.ValueEquals("text"));
            if (!fits)
            {
                throw Invalid(property, $"{at}.{member.Name}", "is not allowed: this fake takes rich text items of type text only");
            }
        }

        if (!text.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
        {
            throw Invalid(property, $"{at}.text.content", "should be a string");
        }

        var contentText = content.GetString()!;
        if (contentText.Length > MaxTextLength)
        {
            throw Invalid(property, $"{at}.text.content.length", $"should be ≤ `{MaxTextLength}`, instead was `{contentText.Length}`");
        }

        string? link = null;
        if (text.TryGetProperty("link", out var linkObject) && linkObject.ValueKind != JsonValueKind.Null)
        {
            if (linkObject.ValueKind != JsonValueKind.Object || !linkObject.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
            {
                throw Invalid(property, $"{at}.text.link", "should be an object with a url, or `null`", linkObject);
            }

            link = UrlText(property, $"{at}.text.link.url", url);
        }

        return NotionObjects.TextItem(contentText, link);
    }

    private static JsonValue? Url(SchemaProperty property, JsonElement url) => url.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => JsonValue.Create(UrlText(property, "", url)),
        _ => throw Invalid(property, "", "should be a string or `null`", url),
    };

    private static string UrlText(SchemaProperty property, string at, JsonElement url)
    {
        var text = url.GetString()!;
        return text.Length <= MaxUrlLength
            ? text
            : throw Invalid(property, $"{at}.length", $"should be ≤ `{MaxUrlLength}`, instead was `{text.Length}`");
    }

    private static JsonObject? Date(SchemaProperty property, JsonElement date)
    {
        if (date.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (date.ValueKind != JsonValueKind.Object || !date.TryGetProperty("start", out var start))
        {
            throw Invalid(property, ".start", "should be defined");
        }

        var read = new JsonObject { ["start"] = IsoDate(property, ".start", start), ["end"] = null, ["time_zone"] = null };
        foreach (var member in date.EnumerateObject())
        {
            switch (member.Name)
            {
                case "start":
                    break;
                case "end":
                    read["end"] = member.Value.ValueKind == JsonValueKind.Null ? null : IsoDate(property, ".end", member.Value);
                    break;
                case "time_zone" when member.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    read["time_zone"] = member.Value.ValueKind == JsonValueKind.Null ? null : member.Value.GetString();
                    break;
                default:
                    throw Invalid(property, $".{member.Name}", "is not allowed");
            }
        }

        return read;
    }

    private static string IsoDate(SchemaProperty property, string at, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        var valid = IsoDatePattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
        return valid ? text : throw Invalid(property, at, "should be an ISO 8601 date or date-time", value);
    }

    /// <summary>A select option, or one of a multi-select: Notion creates an option it does not know yet.</summary>
    private static JsonObject Option(SchemaProperty property, string at, JsonElement option)
    {
        if (option.ValueKind != JsonValueKind.Object || !option.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw Invalid(property, $"{at}.name", "should be a string: this fake takes options by name");
        }

        var text = name.GetString()!;
        if (text.Length > MaxNameLength)
        {
            throw Invalid(property, $"{at}.name.length", $"should be ≤ `{MaxNameLength}`, instead was `{text.Length}`");
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            throw NotionException.Validation($"Invalid select option, commas not allowed: {text}");
        }

        var color = "default";
        foreach (var member in option.EnumerateObject())
        {
            switch (member.Name)
            {
                case "name" or "id":
                    break;
                case "color" when member.Value.ValueKind == JsonValueKind.String:
                    color = member.Value.GetString()!;
                    break;
                default:
                    throw Invalid(property, $"{at}.{member.Name}", "is not allowed");
            }
        }

        return new JsonObject { ["name"] = text, ["color"] = color };
    }

    private static JsonObject ExternalFile(SchemaProperty property, string at, JsonElement file)
    {
        if (file.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(property, at, "should be an object", file);
        }

        if (!file.TryGetProperty("type", out var type) || !type.ValueEquals("external"))
        {
            throw Invalid(property, $"{at}.type", "should be `\"external\"`: this fake takes external files only");
        }

        if (!file.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw Invalid(property, $"{at}.name", "should be a string");
        }

        var nameText = name.GetString()!;
        if (nameText.Length > MaxNameLength)
        {
            throw Invalid(property, $"{at}.name.length", $"should be ≤ `{MaxNameLength}`, instead was `{nameText.Length}`");
        }

        if (!file.TryGetProperty("external", out var external) || external.ValueKind != JsonValueKind.Object
            || !external.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
        {
            throw Invalid(property, $"{at}.external.url", "should be a string");
        }

        foreach (var member in file.EnumerateObject())
        {
            if (member.Name is not ("name" or "type" or "external"))
            {
                throw Invalid(property, $"{at}.{member.Name}", "is not allowed");
            }
        }

        return new JsonObject
        {
            ["name"] = nameText,
            ["type"] = "external",
            ["external"] = new JsonObject { ["url"] = UrlText(property, $"{at}.external.url", url) },
        };
    }

    private static NotionException Expected(SchemaProperty property) =>
        NotionException.Validation($"{property.Name} is expected to be {property.Type}.");

    private static NotionException Invalid(SchemaProperty property, string at, string problem, JsonElement? instead = null) =>
        NotionException.Validation(
            $"body failed validation: body.properties.{property.Name}.{property.Type}{at} {problem}"
            + (instead is { } value ? $", instead was `{value.GetRawText()}`." : "."));

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex IsoDatePattern();
}
