namespace UploadProxy.Fakes.Notion;

/// <summary>One property of a schema; the title property's id is always <c>title</c>, as in Notion.</summary>
internal sealed record SchemaProperty(string Id, string Name, string Type);

/// <summary>
/// A database as the fake keeps it: each has exactly one data source, which holds the schema and the rows, so a
/// <c>database_id</c> parent always resolves under 2025-09-03 too. Replaced as a whole when its schema changes.
/// </summary>
internal sealed record NotionDatabase(
    string Id,
    string DataSourceId,
    string Title,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastEditedTime,
    IReadOnlyList<SchemaProperty> Properties)
{
    public SchemaProperty TitleProperty => Properties.Single(p => p.Type == PropertyTypes.Title);

    /// <summary>Notion takes a property's name or its id wherever it takes a property.</summary>
    public SchemaProperty? Find(string nameOrId) =>
        Properties.FirstOrDefault(p => p.Name == nameOrId) ?? Properties.FirstOrDefault(p => p.Id == nameOrId);
}
