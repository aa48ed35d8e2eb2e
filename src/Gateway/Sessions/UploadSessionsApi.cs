using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Security;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Notion;

using UploadProxy.Persistence.Staging;

namespace UploadProxy.Gateway.Sessions;

/// <summary>The original app's three routes: create a session, send its document, read it back.</summary>
internal static partial class UploadSessionsApi
{
    public const string BasePath = "/api/notion/upload-proxy";
    private const int MaxMetadataEntries = 20;
    private const int MaxMetadataValueLength = 2000;

    // A grain call waits at most this long, well inside Orleans' 30 s response timeout.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(10);

    public static string SendPath(string id) => $"{BasePath}/send/{id}";

    public static string InfoPath(string id) => $"{BasePath}/info/{id}";

    public static IEndpointRouteBuilder MapUploadSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(BasePath).WithTags("Upload sessions").RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit);

        api.MapPost("/create", CreateAsync)
            .WithName("CreateUploadSession")
            .WithSummary("Opens an upload session");

        api.MapPost("/send/{id}", SendAsync)
            .WithName("SendDocument")
            .WithSummary("Takes the session's PDF and stores it permanently")
            .DisableAntiforgery();

        api.MapGet("/info/{id}", InfoAsync)
            .WithName("GetUploadSession")
            .WithSummary("Returns the session as it stands now");

        api.MapPost("/retry/{id}", RetryLinkAsync)
            .WithName("RetryNotionLink")
            .WithSummary("Runs Notion linking again after it failed for good");

        return app;
    }

    private static async Task<Results<Created<SessionResource>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        IGrainFactory grains,
        NotionClient notion,
        IOptions<NotionOptions> notionOptions,
        IOptions<GatewayOptions> gateway,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        CreateSessionRequest body;
        try
        {
            body = await ReadCreateBodyAsync(request, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            return ApiProblems.InvalidRequest($"The body is not valid JSON for create: {ex.Message}");
        }

        if (Validate(body, gateway.Value) is { } problem)
        {
            return problem;
        }

        if (body.Metadata is { Count: > 0 } metadata && MetadataProblem(metadata, notion, notionOptions.Value) is { } unfit)
        {
            return ApiProblems.InvalidRequest(unfit);
        }

        var id = SessionId.New();
        var session = await grains.GetGrain<IUploadSessionGrain>(id).CreateAsync(new CreateSessionCommand
        {
            FileName = body.Filename is { } fileName ? DocumentNames.LastSegment(fileName) : null,
            ContentType = body.ContentType ?? "application/pdf",
            ContentLength = body.ContentLength,
            BatchId = body.BatchId,
            Metadata = body.Metadata ?? [],
        });
        return TypedResults.Created(InfoPath(id), SessionResource.From(session, request));
    }

    private static async Task<Results<Ok<SessionResource>, Accepted<SessionResource>, ProblemHttpResult>> SendAsync(
        string id,
        HttpRequest request,
        IGrainFactory grains,
        DocumentIntake intake,
        IDocumentStagingStore staging,
        IOptions<GatewayOptions> gateway,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!SessionId.IsValid(id))
        {
            return ApiProblems.SessionNotFound();
        }

        // Refuse before reading the body where the session alone decides.
        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        switch (await grain.GetAsync())
        {
            case null:
                return ApiProblems.SessionNotFound();
            case { Status: SessionStatus.Expired }:
                return ApiProblems.SessionExpired();
        }

        var intakeResult = await intake.ReadAsync(id, request, cancellationToken);
        if (intakeResult.Problem is { } refused)
        {
            return refused;
        }

        var document = intakeResult.Document!;
        // The session owns the staged bytes from here. A call that fails (timeout, lost silo) may have been carried out,
        // so the bytes stay; the staging sweep deletes them later if the session never took them.
        var result = await grain.SendAsync(document);
        if (!result.StagedBytesInUse)
        {
            await staging.DeleteAsync(document.StagingKey, CancellationToken.None);
        }

        switch (result.Outcome)
        {
            case SendOutcome.NotFound:
                return ApiProblems.SessionNotFound();
            case SendOutcome.Expired:
                return ApiProblems.SessionExpired();
            case SendOutcome.Conflict:
                return ApiProblems.SessionConflict();
            case SendOutcome.LengthMismatch:
                return ApiProblems.InvalidRequest(
                    $"The document has {document.Length} bytes but the session was created with content_length {result.Session!.ContentLength}.");
        }

        var session = result.Session!;
        if (!PrefersAsync(request))
        {
            session = await WaitWhileUploadingAsync(grain, session, gateway.Value.SendTimeout, timeProvider, cancellationToken);
        }
        else
        {
            request.HttpContext.Response.Headers["Preference-Applied"] = "respond-async";
        }

        var resource = SessionResource.From(session, request);
        return session.Status switch
        {
            SessionStatus.Uploading => TypedResults.Accepted(InfoPath(id), resource),
            SessionStatus.Failed => ApiProblems.UploadFailed(resource),
            _ => TypedResults.Ok(resource),
        };
    }

    private static async Task<Results<Ok<SessionResource>, ProblemHttpResult>> InfoAsync(string id, HttpRequest request, IGrainFactory grains)
    {
        if (!SessionId.IsValid(id) || await grains.GetGrain<IUploadSessionGrain>(id).GetAsync() is not { } session)
        {
            return ApiProblems.SessionNotFound();
        }

        return TypedResults.Ok(SessionResource.From(session, request));
    }

    private static async Task<Results<Accepted<SessionResource>, ProblemHttpResult>> RetryLinkAsync(string id, HttpRequest request, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        if (!SessionId.IsValid(id) || await grain.GetAsync() is not { } current)
        {
            return ApiProblems.SessionNotFound();
        }

        if (current.Notion.Status != NotionLinkStatus.Failed)
        {
            return ApiProblems.NothingToRetry(current.Notion.Status);
        }

        var session = await grain.RetryLinkAsync();
        return TypedResults.Accepted(InfoPath(id), SessionResource.From(session!, request));
    }

    /// <summary>Waits in short grain calls, so no call nears Orleans' response timeout and a lost silo only costs a retry.</summary>
    private static async Task<UploadSessionSnapshot> WaitWhileUploadingAsync(
        IUploadSessionGrain grain, UploadSessionSnapshot session, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + timeout;
        while (session.Status == SessionStatus.Uploading && !cancellationToken.IsCancellationRequested)
        {
            var remaining = deadline - timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                session = await grain.WaitWhileUploadingAsync(remaining < WaitSlice ? remaining : WaitSlice) ?? session;
            }
            catch (OrleansException)
            {
                // The silo holding the session went away; the next call activates it elsewhere.
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
            }
        }

        return session;
    }

    private static bool PrefersAsync(HttpRequest request) =>
        request.Headers["Prefer"].Any(value => value is not null
            && value.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));

    private static async Task<CreateSessionRequest> ReadCreateBodyAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        var empty = new CreateSessionRequest(null, null, null, null, null);
        if (request.ContentLength == 0)
        {
            return empty;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == 0 ? empty : JsonSerializer.Deserialize<CreateSessionRequest>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options) ?? empty;
    }

    internal static ProblemHttpResult? Validate(CreateSessionRequest body, GatewayOptions gateway)
    {
        if (body.Filename is { } fileName && DocumentNames.Problem(fileName) is { } fileNameProblem)
        {
            return ApiProblems.InvalidRequest(fileNameProblem);
        }

        if (body.ContentType is { } contentType && !contentType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.InvalidRequest("content_type must be application/pdf: the proxy stores PDF documents.");
        }

        switch (body.ContentLength)
        {
            case <= 0:
                return ApiProblems.InvalidRequest("content_length must be positive.");
            case { } length when length > gateway.MaxDocumentBytes:
                return ApiProblems.DocumentTooLarge(gateway.MaxDocumentBytes);
        }

        if (body.BatchId is { } batchId && !BatchIdFormat().IsMatch(batchId))
        {
            return ApiProblems.InvalidRequest("batch_id must be 1 to 100 letters, digits, '.', '_' or '-'.");
        }

        if (body.Metadata is { } metadata)
        {
            if (metadata.Count > MaxMetadataEntries)
            {
                return ApiProblems.InvalidRequest($"metadata holds at most {MaxMetadataEntries} entries.");
            }

            if (metadata.Any(entry => entry.Key.Length is 0 or > 100 || entry.Value is null))
            {
                return ApiProblems.InvalidRequest($"metadata keys are 1 to 100 characters and values are strings of at most {MaxMetadataValueLength}.");
            }

            if (metadata.FirstOrDefault(entry => entry.Value.Length > MaxMetadataValueLength) is { Key: { } longKey, Value: { } longValue })
            {
                return ApiProblems.InvalidRequest(
                    $"metadata '{longKey}' has {longValue.Length} characters, over the {MaxMetadataValueLength} of a Notion text.");
            }
        }

        return null;
    }

    /// <summary>
    /// A metadata value that cannot fill the Notion property its key names (a number that is not finite, a date that is
    /// not ISO 8601, text over 2000 characters, …), checked against the database's schema as this process last read
    /// it. Until the schema has been read (it is read at start, and asked for here), nothing is refused here: a value
    /// that does not fit then ends linking <c>failed</c>, naming the key, when the row is built.
    /// </summary>
    internal static string? MetadataProblem(Dictionary<string, string> metadata, NotionClient notion, NotionOptions options)
    {
        if (!options.IsConfigured)
        {
            return null;
        }

        if (notion.KnownDatabase is not { } database)
        {
            // Read it for the next create; this one is not held up by Notion.
            notion.GetDatabaseAsync(CancellationToken.None).Ignore();
            return null;
        }

        var own = NotionProperties.OwnProperties(options.Properties);
        foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!own.Contains(key) && database.PropertyTypes.TryGetValue(key, out var type) && NotionProperties.MetadataProblem(key, value, type) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex BatchIdFormat();
}
