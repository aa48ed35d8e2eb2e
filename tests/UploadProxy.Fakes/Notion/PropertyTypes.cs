using System.Collections.Frozen;

namespace UploadProxy.Fakes.Notion;

/// <summary>The property types the fake knows, named as Notion names them.</summary>
internal static class PropertyTypes
{
    public const string Title = "title";
    public const string RichText = "rich_text";
    public const string Url = "url";
    public const string Number = "number";
    public const string Date = "date";
    public const string Select = "select";
    public const string Files = "files";
    public const string MultiSelect = "multi_select";
    public const string Checkbox = "checkbox";

    public static readonly FrozenSet<string> All =
        new[] { Title, RichText, Url, Number, Date, Select, Files, MultiSelect, Checkbox }.ToFrozenSet(StringComparer.Ordinal);
}
