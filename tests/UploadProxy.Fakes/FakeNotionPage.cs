using System.Text.Json;

namespace UploadProxy.Fakes;

/// <summary>A page (a database row) the fake created.</summary>
/// <param name="CreatedTime">As Notion reports it: rounded down to the minute.</param>
/// <param name="Properties">As Notion reports them: every property of the schema by name, each with its id, type and value.</param>
public sealed record FakeNotionPage(
    string Id,
    string Url,
    string ParentDatabaseId,
    string ParentDataSourceId,
    DateTimeOffset CreatedTime,
    JsonElement Properties);
