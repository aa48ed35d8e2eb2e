using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UploadProxy.Fakes.Notion;

/// <summary>
/// The routes of the Notion API the product uses, answered as Notion answers them. Every request is logged, then
/// checked in order: injected failure, token, version, content type, rate limit; then it waits the latency and reaches
/// its route.
/// </summary>
internal sealed class NotionApi(
    string token,
    NotionWorkspace workspace,
    TokenBucket bucket,
    NotionFaults faults,
    RequestLog log,
    CancellationToken stopping,
    int? rateLimitRetryAfterSeconds = null)
{
    private const string VersionHeader = "Notion-Version";
    private const int MaxBodyBytes = 500 * 1000;
    private const int MaxChildren = 100;
    private const int MaxPageSize = 100;

    private readonly string _authorization = $"Bearer {token}";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var logged = log.Arrived(request.Method, request.Path.Value ?? "");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        NotionReply? reply;
        try
        {
            reply = await AnswerAsync(request, cancellation.Token);
        }
        catch (NotionException refused)
        {
            reply = NotionReply.Error(refused.Status, refused.Code, refused.Message);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away, or the server is stopping: like a dying server, answer nothing.
            context.Abort();
            return;
        }

        // No answer: one to be lost, or a creation committed after its client went away.
        if (reply is null || context.RequestAborted.IsCancellationRequested)
        {
            context.Abort();
            return;
        }

        log.Answered(logged, reply.Status);
        await reply.WriteAsync(context.Response);
    }

    /// <returns>Null when the answer is to be lost.</returns>
    private async Task<NotionReply?> AnswerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var refusal = Admit(request, out var version);
        await faults.DelayAsync(cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        using var body = await ReadBodyAsync(request, cancellationToken);
        var root = body?.RootElement;
        return (request.Method, (request.Path.Value ?? "").Trim('/').Split('/'), version) switch
        {
            ("GET", ["v1", "databases", var id], _) =>
                NotionReply.Ok(NotionObjects.Database(FindDatabase(id, "path.database_id"), version)),
            ("PATCH", ["v1", "databases", var id], NotionVersion.Databases) =>
                ChangeSchema(FindDatabase(id, "path.database_id"), root, version),
            ("POST", ["v1", "databases", var id, "query"], NotionVersion.Databases) =>
                Query(FindDatabase(id, "path.database_id"), root, version),
            ("GET", ["v1", "data_sources", var id], NotionVersion.DataSources) =>
                NotionReply.Ok(NotionObjects.DataSource(FindDataSource(id, "path.data_source_id"))),
            ("PATCH", ["v1", "data_sources", var id], NotionVersion.DataSources) =>
                ChangeSchema(FindDataSource(id, "path.data_source_id"), root, version),
            ("POST", ["v1", "data_sources", var id, "query"], NotionVersion.DataSources) =>
                Query(FindDataSource(id, "path.data_source_id"), root, version),
            ("POST", ["v1", "pages"], _) => await CreatePageAsync(root, version),
            _ => throw new NotionException(
                StatusCodes.Status400BadRequest,
                "invalid_request_url",
                $"Invalid request URL: {request.Method} {request.Path} is not a route of Notion-Version {request.Headers[VersionHeader]}."),
        };
    }

    /// <returns>The refusal, or null when the request may go on.</returns>
    private NotionReply? Admit(HttpRequest request, out NotionVersion version)
    {
        version = default;
        if (faults.TakeFailure() is { } failure)
        {
            return failure;
        }

        if (request.Headers.Authorization.ToString() != _authorization)
        {
            return NotionReply.Error(StatusCodes.Status401Unauthorized, "unauthorized", "API token is invalid.");
        }

        switch (request.Headers[VersionHeader].ToString())
        {
            case "":
                return NotionReply.Error(
                    StatusCodes.Status400BadRequest,
                    "missing_version",
                    "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.");
            case "2022-06-28":
                version = NotionVersion.Databases;
                break;
            case "2025-09-03":
                version = NotionVersion.DataSources;
                break;
            case var other:
                return NotionReply.Error(
                    StatusCodes.Status400BadRequest,
                    "validation_error",
                    $"Notion-Version header failed validation: `{other}` is not a version this fake knows; send 2022-06-28 or 2025-09-03.");
        }

        // Notion reads a body as JSON only when it says so; the official clients send application/json.
        if ((request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) && string.Equals(contentType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return NotionReply.Error(
                StatusCodes.Status400BadRequest,
                "invalid_request",
                $"Content-Type must be application/json, instead was `{request.ContentType}`.");
        }

        return bucket.TryTake(out var retryAfterSeconds)
            ? null
            : NotionReply.Error(
                StatusCodes.Status429TooManyRequests,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                rateLimitRetryAfterSeconds ?? retryAfterSeconds);
    }

    /// <returns>Null when the body is empty.</returns>
    private static async Task<JsonDocument?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw BodyTooLarge();
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                throw BodyTooLarge();
            }

            body.Write(buffer, 0, read);
        }

        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            throw new NotionException(StatusCodes.Status400BadRequest, "invalid_json", "Error parsing JSON body.");
        }
    }

    private static NotionException BodyTooLarge() => new(
        StatusCodes.Status413PayloadTooLarge,
        "validation_error",
        $"Request body too large: the limit is {MaxBodyBytes} bytes.");

    private async Task<NotionReply?> CreatePageAsync(JsonElement? body, NotionVersion version)
    {
        var root = Object(body, "body");
        var database = Parent(root, version);
        if (faults.CreateRefusal is { } refusal)
        {
            throw NotionException.Validation(refusal);
        }

        var properties = PropertyValues.Read(database, root.TryGetProperty("properties", out var given) ? given : null);
        if (root.TryGetProperty("children", out var children))
        {
            if (children.ValueKind != JsonValueKind.Array || children.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.Object))
            {
                throw NotionException.Validation("body failed validation: body.children should be an array of block objects.");
            }

            if (children.GetArrayLength() > MaxChildren)
            {
                throw NotionException.Validation(
                    $"body failed validation: body.children.length should be ≤ `{MaxChildren}`, instead was `{children.GetArrayLength()}`.");
            }
        }

        // A creation held or delayed commits then, whether its client still waits or has gone (timed out, killed):
        // only the fake's own stop ends the wait.
        if (faults.TakeCreateHold(stopping) is { } hold)
        {
            await hold;
        }

        var now = DateTimeOffset.UtcNow;
        var id = NotionWorkspace.NewId();
        var page = new FakeNotionPage(
            id,
            NotionObjects.Url(id),
            database.Id,
            database.DataSourceId,
            NotionWorkspace.NotionTime(now),
            JsonSerializer.SerializeToElement(properties));
        workspace.AddPage(page, now);
        return faults.TakeLostCreate() ? null : NotionReply.Ok(NotionObjects.Page(page, version));
    }

    private NotionDatabase Parent(JsonElement root, NotionVersion version)
    {
        if (!root.TryGetProperty("parent", out var parent) || parent.ValueKind != JsonValueKind.Object)
        {
            throw NotionException.Validation("body failed validation: body.parent should be an object.");
        }

        var kinds = parent.EnumerateObject().Select(m => m.Name).Where(name => name != "type").ToList();
        if (parent.TryGetProperty("type", out var type) && (kinds is not [var kind] || !type.ValueEquals(kind)))
        {
            throw NotionException.Validation("body failed validation: body.parent.type should name the parent's id.");
        }

        return (kinds, version) switch
        {
            (["database_id"], _) => FindDatabase(IdText(parent.GetProperty("database_id")), "body.parent.database_id"),
            (["data_source_id"], NotionVersion.DataSources) =>
                FindDataSource(IdText(parent.GetProperty("data_source_id")), "body.parent.data_source_id"),
            (["data_source_id"], _) => throw NotionException.Validation(
                "body failed validation: body.parent.data_source_id needs Notion-Version 2025-09-03; with 2022-06-28 give body.parent.database_id."),
            _ => throw NotionException.Validation(
                "body failed validation: body.parent should have a database_id or a data_source_id; this fake creates database rows only."),
        };
    }

    private NotionReply Query(NotionDatabase database, JsonElement? body, NotionVersion version)
    {
        // A query may come without a body.
        JsonElement? root = body is null ? null : Object(body, "body");
        var filter = Member(root, "filter") is { } given ? QueryFilter.Parse(database, given) : null;
        if (Member(root, "sorts") is { ValueKind: JsonValueKind.Array } sorts && sorts.GetArrayLength() > 0)
        {
            throw NotionException.Validation("This fake does not sort: leave sorts out; results come oldest first.");
        }

        var pageSize = Member(root, "page_size") switch
        {
            null => MaxPageSize,
            { ValueKind: JsonValueKind.Number } size when size.TryGetInt32(out var count) && count is >= 1 and <= MaxPageSize => count,
            { } size => throw NotionException.Validation(
                $"body failed validation: body.page_size should be an integer from 1 to {MaxPageSize}, instead was `{size.GetRawText()}`."),
        };

        var pages = workspace.Indexed(database.DataSourceId).Where(p => filter?.Matches(p) ?? true).ToList();
        var start = 0;
        if (Member(root, "start_cursor") is { } cursor)
        {
            start = cursor.ValueKind == JsonValueKind.String ? pages.FindIndex(p => cursor.ValueEquals(p.Id)) : -1;
            if (start < 0)
            {
                throw NotionException.Validation($"body failed validation: body.start_cursor should be a cursor this query gave, instead was `{cursor.GetRawText()}`.");
            }
        }

        var hasMore = start + pageSize < pages.Count;
        return NotionReply.Ok(new JsonObject
        {
            ["object"] = "list",
            ["results"] = new JsonArray([.. pages.Skip(start).Take(pageSize).Select(p => NotionObjects.Page(p, version))]),
            ["next_cursor"] = hasMore ? pages[start + pageSize].Id : null,
            ["has_more"] = hasMore,
        });
    }

    /// <summary>Adds properties, or changes their types: <c>{"properties": {"Name": {"rich_text": {}}}}</c>.</summary>
    private NotionReply ChangeSchema(NotionDatabase database, JsonElement? body, NotionVersion version)
    {
        var root = Object(body, "body");
        if (Member(root, "properties") is { } properties)
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw NotionException.Validation("body failed validation: body.properties should be an object.");
            }

            var changes = properties.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, SchemaType(p))).ToList();
            database = workspace.ChangeProperties(database.Id, changes);
        }

        return NotionReply.Ok(version == NotionVersion.Databases
            ? NotionObjects.Database(database, version)
            : NotionObjects.DataSource(database));
    }

    private static string SchemaType(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            throw NotionException.Validation($"{property.Name}: this fake adds properties and changes their types; it does not remove them.");
        }

        var types = property.Value.EnumerateObject().Where(m => m.Name is not ("name" or "type" or "id" or "description")).ToList();
        if (types is not [var type] || !PropertyTypes.All.Contains(type.Name))
        {
            throw NotionException.Validation(
                $"body failed validation: body.properties.{property.Name} should have one of {string.Join(", ", PropertyTypes.All)} as its type.");
        }

        if (property.Value.TryGetProperty("name", out var name) && !name.ValueEquals(property.Name))
        {
            throw NotionException.Validation($"{property.Name}: this fake does not rename properties.");
        }

        return type.Name;
    }

    private NotionDatabase FindDatabase(string id, string at) =>
        workspace.FindDatabase(Uuid(id, at))
        ?? throw NotionException.NotFound(
            $"Could not find database with ID: {Uuid(id, at)}. Make sure the relevant pages and databases are shared with your integration.");

    private NotionDatabase FindDataSource(string id, string at) =>
        workspace.FindDataSource(Uuid(id, at))
        ?? throw NotionException.NotFound(
            $"Could not find data_source with ID: {Uuid(id, at)}. Make sure the relevant pages and databases are shared with your integration.");

    /// <summary>Notion takes ids with or without dashes; the fake keeps them dashed.</summary>
    private static string Uuid(string id, string at) =>
        Guid.TryParseExact(id, "D", out var uuid) || Guid.TryParseExact(id, "N", out uuid)
            ? uuid.ToString()
            : throw NotionException.Validation($"{at} should be a valid uuid, instead was `\"{id}\"`.");

    private static string IdText(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static JsonElement Object(JsonElement? body, string at) =>
        body is { ValueKind: JsonValueKind.Object } root
            ? root
            : throw NotionException.Validation($"body failed validation: {at} should be an object.");

    /// <returns>Null when the member is missing or null.</returns>
    private static JsonElement? Member(JsonElement? root, string name) =>
        root is { ValueKind: JsonValueKind.Object } parent && parent.TryGetProperty(name, out var member) && member.ValueKind != JsonValueKind.Null
            ? member
            : null;
}
