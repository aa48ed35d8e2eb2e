using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Integrations.Notion;

/// <summary>The DB-DOCUMENTS database each stored document is linked into. Without a token and database, linking is disabled.</summary>
public sealed class NotionOptions : IValidatableObject
{
    public const string SectionName = "Notion";
    public const string LegacyVersion = "2022-06-28";
    public const string DataSourcesVersion = "2025-09-03";

    public string? Token { get; set; }
    public string? DatabaseId { get; set; }

    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.notion.com");

    /// <summary><c>2022-06-28</c> (rows under the database) or <c>2025-09-03</c> (rows under its data source).</summary>
    [RegularExpression("^(2022-06-28|2025-09-03)$")]
    public string Version { get; set; } = LegacyVersion;

    /// <summary>Requests per second for the whole cluster; Notion allows an average of 3 per integration.</summary>
    [Range(0.1, 100)]
    public double RequestsPerSecond { get; set; } = 3;

    /// <summary>
    /// How long a create whose outcome is unknown may take to show in queries, counted from when that attempt ended (the
    /// client gave up, or the session resumed after a crash): a lookup that finds nothing is only trusted once this
    /// much time has passed since then. It covers Notion finishing a write after its client gave up, plus its index lag.
    /// </summary>
    public TimeSpan QueryIndexLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may take, counted from its slot in the cluster's rate gate.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much of the PDF's text layer goes into the row (Notion allows 2000 characters per text object).</summary>
    [Range(0, 2000)]
    public int TextExcerptLength { get; set; } = 2000;

    /// <summary>Documents larger than this are linked without page count and text.</summary>
    public long MaxInspectedBytes { get; set; } = 50 * 1024 * 1024;

    public NotionPropertyNames Properties { get; set; } = new();

    public bool IsConfigured => !string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(DatabaseId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Token) != string.IsNullOrEmpty(DatabaseId))
        {
            yield return new ValidationResult("Notion linking needs both NOTION_TOKEN and NOTION_DATABASE_ID (or neither, to disable it).");
        }

        if (string.IsNullOrEmpty(Properties.Title))
        {
            yield return new ValidationResult("Notion:Properties:Title must name the database's title property.");
        }

        if (QueryIndexLag < TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Notion:QueryIndexLag must not be negative and Notion:AttemptTimeout must be positive.");
        }
    }
}

/// <summary>Which database property gets what; an empty name leaves that value out.</summary>
public sealed class NotionPropertyNames
{
    public string Title { get; set; } = "Name";
    public string? Url { get; set; } = "URL";
    public string? File { get; set; } = "File";
    public string SessionId { get; set; } = "Session ID";
    public string? Size { get; set; } = "Size";
    public string? UploadedAt { get; set; } = "Uploaded at";
    public string? Batch { get; set; } = "Batch";
    public string? Pages { get; set; } = "Pages";
    public string? Text { get; set; } = "Text";

    /// <summary>The properties the product writes, with the Notion type each must have.</summary>
    public IEnumerable<(string Name, string Type)> Expected()
    {
        (string? Name, string Type)[] all =
        [
            (Title, "title"), (Url, "url"), (File, "files"), (SessionId, "rich_text"), (Size, "number"),
            (UploadedAt, "date"), (Batch, "rich_text"), (Pages, "number"), (Text, "rich_text"),
        ];
        return all.Where(p => !string.IsNullOrEmpty(p.Name)).Select(p => (p.Name!, p.Type));
    }
}
