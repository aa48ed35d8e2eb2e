using System.Security.Cryptography;

namespace UploadProxy.Fakes.Notion;

/// <summary>The databases shared with the integration, and the pages created in them.</summary>
internal sealed class NotionWorkspace(TimeSpan queryIndexLag)
{
    private const string PropertyIdCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, NotionDatabase> _databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _databaseIdsBySource = new(StringComparer.Ordinal);
    private readonly List<StoredPage> _pages = [];

    public IReadOnlyList<FakeNotionPage> Pages
    {
        get
        {
            lock (_lock)
            {
                return [.. _pages.Select(p => p.Page)];
            }
        }
    }

    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary>Rounded down to the minute, as Notion reports every time.</summary>
    public static DateTimeOffset NotionTime(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public NotionDatabase AddDatabase(string title, IEnumerable<KeyValuePair<string, string>> propertyTypes)
    {
        var properties = new List<SchemaProperty>();
        foreach (var (name, type) in propertyTypes)
        {
            properties.Add(new SchemaProperty(NewPropertyId(type, properties), name, type));
        }

        var now = NotionTime(DateTimeOffset.UtcNow);
        var database = new NotionDatabase(NewId(), NewId(), title, now, now, properties);
        lock (_lock)
        {
            _databases.Add(database.Id, database);
            _databaseIdsBySource.Add(database.DataSourceId, database.Id);
        }

        return database;
    }

    public NotionDatabase? FindDatabase(string id)
    {
        lock (_lock)
        {
            return _databases.GetValueOrDefault(id);
        }
    }

    public NotionDatabase? FindDataSource(string dataSourceId)
    {
        lock (_lock)
        {
            return _databaseIdsBySource.TryGetValue(dataSourceId, out var databaseId) ? _databases[databaseId] : null;
        }
    }

    /// <summary>Adds the properties the database lacks and changes the type of those it has.</summary>
    /// <param name="changes">Property name (or id, for one that exists) and its type.</param>
    public NotionDatabase ChangeProperties(string databaseId, IReadOnlyList<KeyValuePair<string, string>> changes)
    {
        lock (_lock)
        {
            var database = _databases[databaseId];
            var properties = database.Properties.ToList();
            foreach (var (nameOrId, type) in changes)
            {
                var index = properties.FindIndex(p => p.Name == nameOrId);
                index = index >= 0 ? index : properties.FindIndex(p => p.Id == nameOrId);
                if (index < 0)
                {
                    if (type == PropertyTypes.Title)
                    {
                        throw NotionException.Validation($"A database has exactly one title property: {nameOrId} cannot be another.");
                    }

                    properties.Add(new SchemaProperty(NewPropertyId(type, properties), nameOrId, type));
                }
                else if (properties[index].Type != type)
                {
                    if (type == PropertyTypes.Title || properties[index].Type == PropertyTypes.Title)
                    {
                        throw NotionException.Validation(
                            $"{properties[index].Name} cannot change type between title and {type}: a database has exactly one title property.");
                    }

                    properties[index] = properties[index] with { Type = type };
                }
            }

            var changed = database with { Properties = properties, LastEditedTime = NotionTime(DateTimeOffset.UtcNow) };
            _databases[databaseId] = changed;
            return changed;
        }
    }

    /// <param name="createdAt">The exact time of creation, from which the page's index lag runs.</param>
    public void AddPage(FakeNotionPage page, DateTimeOffset createdAt)
    {
        lock (_lock)
        {
            _pages.Add(new StoredPage(page, createdAt + queryIndexLag));
        }
    }

    /// <summary>The pages of the data source that queries see by now, oldest first.</summary>
    public IReadOnlyList<FakeNotionPage> Indexed(string dataSourceId)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            return [.. _pages.Where(p => p.Page.ParentDataSourceId == dataSourceId && p.IndexedAt <= now).Select(p => p.Page)];
        }
    }

    private static string NewPropertyId(string type, List<SchemaProperty> others)
    {
        if (type == PropertyTypes.Title)
        {
            return "title";
        }

        string id;
        do
        {
            id = RandomNumberGenerator.GetString(PropertyIdCharacters, 4);
        }
        while (others.Exists(p => p.Id == id));

        return id;
    }

    private sealed record StoredPage(FakeNotionPage Page, DateTimeOffset IndexedAt);
}
