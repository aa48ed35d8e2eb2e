using System.Text;
using System.Text.Json;

namespace UploadProxy.Fakes.Notion;

/// <summary>
/// The filter of a query: one condition on one property, of the kinds the product uses. The filter's type must be the
/// property's type; Notion also takes a rich_text filter on a title or url property, which the fake refuses so
/// that what passes here passes on Notion too.
/// </summary>
internal sealed class QueryFilter
{
    private readonly SchemaProperty _property;
    private readonly Func<JsonElement, bool> _matches;

    private QueryFilter(SchemaProperty property, Func<JsonElement, bool> matches)
    {
        _property = property;
        _matches = matches;
    }

    public static QueryFilter Parse(NotionDatabase database, JsonElement filter)
    {
        if (filter.ValueKind != JsonValueKind.Object)
        {
            throw NotionException.Validation($"body failed validation: body.filter should be an object, instead was `{filter.GetRawText()}`.");
        }

        if (filter.TryGetProperty("and", out _) || filter.TryGetProperty("or", out _))
        {
            throw NotionException.Validation("This fake takes a single property condition as filter, not an and/or compound.");
        }

        if (!filter.TryGetProperty("property", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw NotionException.Validation("body failed validation: body.filter.property should be a string.");
        }

        var property = database.Find(name.GetString()!)
            ?? throw NotionException.Validation($"Could not find property with name or id: {name.GetString()}");
        var conditions = filter.EnumerateObject().Where(m => m.Name is not ("property" or "type")).ToList();
        if (conditions is not [var condition])
        {
            throw NotionException.Validation("body failed validation: body.filter should have exactly one condition besides its property.");
        }

        if (condition.Name != property.Type)
        {
            throw NotionException.Validation(
                $"body failed validation: the filter on {property.Name} is a {condition.Name} filter, but {property.Name} is a {property.Type} property.");
        }

        if (condition.Value.ValueKind != JsonValueKind.Object || condition.Value.EnumerateObject().ToList() is not [var test])
        {
            throw NotionException.Validation($"body failed validation: body.filter.{condition.Name} should have exactly one condition.");
        }

        var at = $"body.filter.{condition.Name}.{test.Name}";
        Func<JsonElement, bool> matches = (property.Type, test.Name) switch
        {
            (PropertyTypes.Title or PropertyTypes.RichText, "equals") => TextEquals(Text(at, test.Value)),
            (PropertyTypes.Title or PropertyTypes.RichText, "contains") => TextContains(Text(at, test.Value)),
            (PropertyTypes.Url, "equals") => UrlEquals(Text(at, test.Value)),
            (PropertyTypes.Number, "equals") => NumberEquals(Number(at, test.Value)),
            _ => throw NotionException.Validation($"This fake does not take the {test.Name} condition of {property.Type} filters."),
        };
        return new QueryFilter(property, matches);
    }

    public bool Matches(FakeNotionPage page) =>
        page.Properties.TryGetProperty(_property.Name, out var property)
        && property.TryGetProperty(_property.Type, out var value)
        && _matches(value);

    private static Func<JsonElement, bool> TextEquals(string text) => value => PlainText(value) == text;

    private static Func<JsonElement, bool> TextContains(string part) =>
        value => PlainText(value).Contains(part, StringComparison.OrdinalIgnoreCase);

    private static Func<JsonElement, bool> UrlEquals(string url) =>
        value => value.ValueKind == JsonValueKind.String && value.ValueEquals(url);

    private static Func<JsonElement, bool> NumberEquals(double number) =>
        value => value.ValueKind == JsonValueKind.Number && value.GetDouble() == number;

    private static double Number(string at, JsonElement operand) =>
        operand.ValueKind == JsonValueKind.Number
            ? operand.GetDouble()
            : throw NotionException.Validation($"body failed validation: {at} should be a number, instead was `{operand.GetRawText()}`.");

    private static string Text(string at, JsonElement operand) =>
        operand.ValueKind == JsonValueKind.String
            ? operand.GetString()!
            : throw NotionException.Validation($"body failed validation: {at} should be a string, instead was `{operand.GetRawText()}`.");

    private static string PlainText(JsonElement richText)
    {
        var text = new StringBuilder();
        foreach (var item in richText.EnumerateArray())
        {
            text.Append(item.GetProperty("plain_text").GetString());
        }

        return text.ToString();
    }
}
