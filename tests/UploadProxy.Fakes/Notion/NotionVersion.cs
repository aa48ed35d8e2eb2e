namespace UploadProxy.Fakes.Notion;

/// <summary>The values of the <c>Notion-Version</c> header the fake knows.</summary>
internal enum NotionVersion
{
    /// <summary>2022-06-28: a database holds its schema and its rows.</summary>
    Databases,

    /// <summary>2025-09-03: a database holds data sources, which hold the schema and the rows.</summary>
    DataSources,
}
