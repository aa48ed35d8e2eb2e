namespace UploadProxy.Integrations.Notion;

/// <summary>What one DB-DOCUMENTS row says about a stored document.</summary>
public sealed record NotionRow
{
    public required string SessionId { get; init; }
    public required string FileName { get; init; }
    public required string Url { get; init; }
    public long Size { get; init; }
    public DateTimeOffset UploadedAt { get; init; }
    public string? BatchId { get; init; }
    public int? PageCount { get; init; }
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public sealed record NotionPage(string Id, string Url);

/// <summary>The database's schema as this product sees it: where rows go and which properties have which type.</summary>
public sealed record NotionDatabase(string DatabaseId, string? DataSourceId, IReadOnlyDictionary<string, string> PropertyTypes);
