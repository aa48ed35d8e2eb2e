using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace UploadProxy.Integrations.Notion;

/// <summary>
/// The few Notion requests the product makes: read the database's schema, create a row, find a row by session id,
/// add missing properties. Supports both the database-parent (2022-06-28) and data-source (2025-09-03) versions.
/// How a failure is to be treated is decided by <see cref="NotionFailurePolicy"/>, as for the transport retries.
/// </summary>
public sealed partial class NotionClient(IHttpClientFactory httpClientFactory, IOptions<NotionOptions> options, ILogger<NotionClient> logger)
{
    public const string HttpClientName = "notion";

    /// <summary>Notion's limit on a request's payload.</summary>
    public const int MaxBodyBytes = 500 * 1000;

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly NotionOptions _options = options.Value;
    private Task<NotionDatabase>? _database;

    private bool UsesDataSources => _options.Version == NotionOptions.DataSourcesVersion;

    /// <summary>The schema, read once and kept; <see cref="ForgetDatabase"/> reads it again next time.</summary>
    public Task<NotionDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = _database;
        if (database is null or { IsFaulted: true } or { IsCanceled: true })
        {
            database = ReadDatabaseAsync(cancellationToken);
            _database = database;
        }

        return database;
    }

    /// <summary>The schema if it has already been read, without waiting or asking Notion: what the gateway checks metadata against.</summary>
    public NotionDatabase? KnownDatabase => _database is { IsCompletedSuccessfully: true } database ? database.Result : null;

    public void ForgetDatabase() => _database = null;

    public async Task<NotionPage> CreatePageAsync(NotionRow row, CancellationToken cancellationToken)
    {
        var database = await GetDatabaseAsync(cancellationToken);
        var leftOut = new List<string>();
        var body = new JsonObject
        {
            ["parent"] = UsesDataSources
                ? new JsonObject { ["data_source_id"] = database.DataSourceId }
                : new JsonObject { ["database_id"] = database.DatabaseId },
            ["properties"] = NotionProperties.Build(row, _options.Properties, database.PropertyTypes, leftOut),
        };
        foreach (var reason in leftOut)
        {
            LogValueLeftOut(row.SessionId, reason);
        }

        var page = await SendAsync(HttpMethod.Post, "v1/pages", body, isCreate: true, cancellationToken);
        return ReadPage(page);
    }

    /// <summary>The row of a session, where one exists and Notion's query index already shows it.</summary>
    public async Task<NotionPage?> FindBySessionIdAsync(string sessionId, CancellationToken cancellationToken)
    {
        var database = await GetDatabaseAsync(cancellationToken);
        var body = new JsonObject
        {
            ["filter"] = new JsonObject
            {
                ["property"] = _options.Properties.SessionId,
                ["rich_text"] = new JsonObject { ["equals"] = sessionId },
            },
            ["page_size"] = 1,
        };
        var path = UsesDataSources ? $"v1/data_sources/{database.DataSourceId}/query" : $"v1/databases/{database.DatabaseId}/query";
        var list = await SendAsync(HttpMethod.Post, path, body, isCreate: false, cancellationToken);
        return list.GetProperty("results") is { ValueKind: JsonValueKind.Array } results && results.GetArrayLength() > 0
            ? ReadPage(results[0])
            : null;
    }

    /// <summary>Adds properties to the database (or its data source), as <c>name → type</c>.</summary>
    public async Task AddPropertiesAsync(IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var database = await GetDatabaseAsync(cancellationToken);
        var schema = new JsonObject();
        foreach (var (name, type) in properties)
        {
            schema[name] = new JsonObject { [type] = new JsonObject() };
        }

        var path = UsesDataSources ? $"v1/data_sources/{database.DataSourceId}" : $"v1/databases/{database.DatabaseId}";
        await SendAsync(HttpMethod.Patch, path, new JsonObject { ["properties"] = schema }, isCreate: false, cancellationToken);
        ForgetDatabase();
    }

    private async Task<NotionDatabase> ReadDatabaseAsync(CancellationToken cancellationToken)
    {
        var databaseId = _options.DatabaseId!;
        var database = await SendAsync(HttpMethod.Get, $"v1/databases/{databaseId}", body: null, isCreate: false, cancellationToken);
        if (!UsesDataSources)
        {
            return new NotionDatabase(databaseId, null, ReadPropertyTypes(database));
        }

        var sources = database.GetProperty("data_sources");
        if (sources.GetArrayLength() != 1)
        {
            throw NotionException.Invalid("validation_error",
                $"The database has {sources.GetArrayLength()} data sources; the product links into a database with exactly one.");
        }

        var dataSourceId = sources[0].GetProperty("id").GetString()!;
        var dataSource = await SendAsync(HttpMethod.Get, $"v1/data_sources/{dataSourceId}", body: null, isCreate: false, cancellationToken);
        return new NotionDatabase(databaseId, dataSourceId, ReadPropertyTypes(dataSource));
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonObject? body, bool isCreate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // Written before anything is sent: a body that cannot be written (a value JSON has no form for) or that
            // Notion would refuse for its size can never succeed, and is a final failure rather than a lost request.
            request.Content = new ByteArrayContent(Serialize(body)) { Headers = { ContentType = JsonMediaType } };
        }

        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(text).RootElement.Clone();
            }

            throw Failure(response.StatusCode, text, isCreate);
        }
        catch (HttpRequestException ex)
        {
            throw new NotionException(0, "unreachable", $"Notion could not be reached: {ex.Message}", NotionFailurePolicy.Classify(0, isCreate), ex);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new NotionException(0, "timeout", "Notion did not answer in time.", NotionFailurePolicy.Classify(0, isCreate), ex);
        }
    }

    private static byte[] Serialize(JsonObject body)
    {
        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
        {
            throw NotionException.Invalid("invalid_row", $"The row cannot be written as JSON: {ex.Message}", ex);
        }

        return bytes.Length <= MaxBodyBytes
            ? bytes
            : throw NotionException.Invalid("invalid_row", $"The request has {bytes.Length} bytes, over Notion's {MaxBodyBytes}.");
    }

    private static NotionException Failure(HttpStatusCode status, string body, bool isCreate)
    {
        var code = (int)status;
        string? errorCode = null;
        string? message = null;
        try
        {
            using var error = JsonDocument.Parse(body);
            errorCode = error.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            message = error.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            // Gateways in front of Notion answer HTML on some 5xx.
        }

        return new NotionException(code, errorCode ?? $"http_{code}", message ?? $"Notion answered {code}.", NotionFailurePolicy.Classify(code, isCreate));
    }

    private static NotionPage ReadPage(JsonElement page) =>
        new(page.GetProperty("id").GetString()!, page.GetProperty("url").GetString()!);

    private static Dictionary<string, string> ReadPropertyTypes(JsonElement schema)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            types[property.Name] = property.Value.GetProperty("type").GetString()!;
        }

        return types;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: the Notion row leaves out {Reason}")]
    private partial void LogValueLeftOut(string sessionId, string reason);
}
