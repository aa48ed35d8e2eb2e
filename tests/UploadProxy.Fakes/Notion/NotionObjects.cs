using System.Globalization;
using System.Text.Json.Nodes;

namespace UploadProxy.Fakes.Notion;

/// <summary>Databases, data sources and pages as the Notion API shows them under each version.</summary>
internal static class NotionObjects
{
    /// <summary>The integration's bot user, author of everything the fake creates.</summary>
    private const string BotId = "b0b0b0b0-0000-4000-8000-00000000f4ce";

    public static string Url(string id) => $"https://www.notion.so/{id.Replace("-", "", StringComparison.Ordinal)}";

    public static JsonObject Database(NotionDatabase database, NotionVersion version)
    {
        var json = Common("database", database.Id, database.CreatedTime, database.LastEditedTime);
        json["title"] = new JsonArray(TextItem(database.Title, null));
        json["description"] = new JsonArray();
        json["icon"] = null;
        json["cover"] = null;
        json["parent"] = new JsonObject { ["type"] = "workspace", ["workspace"] = true };
        json["url"] = Url(database.Id);
        json["public_url"] = null;
        json["is_inline"] = false;
        if (version == NotionVersion.Databases)
        {
            json["properties"] = Schema(database);
        }
        else
        {
            json["data_sources"] = new JsonArray(new JsonObject { ["id"] = database.DataSourceId, ["name"] = database.Title });
        }

        return json;
    }

    public static JsonObject DataSource(NotionDatabase database)
    {
        var json = Common("data_source", database.DataSourceId, database.CreatedTime, database.LastEditedTime);
        json["title"] = new JsonArray(TextItem(database.Title, null));
        json["description"] = new JsonArray();
        json["parent"] = new JsonObject { ["type"] = "database_id", ["database_id"] = database.Id };
        json["database_parent"] = new JsonObject { ["type"] = "workspace", ["workspace"] = true };
        json["properties"] = Schema(database);
        return json;
    }

    public static JsonObject Page(FakeNotionPage page, NotionVersion version)
    {
        var json = Common("page", page.Id, page.CreatedTime, page.CreatedTime);
        json["icon"] = null;
        json["cover"] = null;
        json["parent"] = version == NotionVersion.Databases
            ? new JsonObject { ["type"] = "database_id", ["database_id"] = page.ParentDatabaseId }
            : new JsonObject
            {
                ["type"] = "data_source_id",
                ["data_source_id"] = page.ParentDataSourceId,
                ["database_id"] = page.ParentDatabaseId,
            };
        json["properties"] = JsonObject.Create(page.Properties);
        json["url"] = page.Url;
        json["public_url"] = null;
        return json;
    }

    /// <summary>A rich text item of type text, with Notion's default annotations.</summary>
    public static JsonObject TextItem(string content, string? link) => new()
    {
        ["type"] = "text",
        ["text"] = new JsonObject { ["content"] = content, ["link"] = link is null ? null : new JsonObject { ["url"] = link } },
        ["annotations"] = new JsonObject
        {
            ["bold"] = false,
            ["italic"] = false,
            ["strikethrough"] = false,
            ["underline"] = false,
            ["code"] = false,
            ["color"] = "default",
        },
        ["plain_text"] = content,
        ["href"] = link,
    };

    private static JsonObject Common(string kind, string id, DateTimeOffset createdTime, DateTimeOffset lastEditedTime) => new()
    {
        ["object"] = kind,
        ["id"] = id,
        ["created_time"] = Timestamp(createdTime),
        ["last_edited_time"] = Timestamp(lastEditedTime),
        ["created_by"] = new JsonObject { ["object"] = "user", ["id"] = BotId },
        ["last_edited_by"] = new JsonObject { ["object"] = "user", ["id"] = BotId },
        ["archived"] = false,
        ["in_trash"] = false,
    };

    private static JsonObject Schema(NotionDatabase database)
    {
        var schema = new JsonObject();
        foreach (var property in database.Properties)
        {
            schema[property.Name] = new JsonObject
            {
                ["id"] = property.Id,
                ["name"] = property.Name,
                ["type"] = property.Type,
                [property.Type] = property.Type switch
                {
                    PropertyTypes.Number => new JsonObject { ["format"] = "number" },
                    PropertyTypes.Select or PropertyTypes.MultiSelect => new JsonObject { ["options"] = new JsonArray() },
                    _ => new JsonObject(),
                },
            };
        }

        return schema;
    }

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
