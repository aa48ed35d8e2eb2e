using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Batches;
using UploadProxy.Gateway.Security;
using UploadProxy.Grains;
using UploadProxy.Grains.Contract;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Notion;
using UploadProxy.Integrations.Webhooks;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Gateway.Sessions;

/// <summary>The original app's three routes: create a session, send its document, read it back.</summary>
internal static class UploadSessionsApi
{
    public const string BasePath = SessionResource.BasePath;
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private static readonly CreateSessionRequest Empty = new(null, null, null, null, null);

    // A grain call waits at most this long, well inside Orleans' 30 s response timeout.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(10);

    public static string SendPath(string id) => SessionResource.SendPath(id);

    public static string InfoPath(string id) => $"{BasePath}/info/{id}";

    public static IEndpointRouteBuilder MapUploadSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(BasePath).WithTags("Upload sessions").RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit);

        api.MapPost("/create", CreateAsync)
            .AddEndpointFilter<RequireJsonBody>()
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
        IOptions<WebhookOptions> webhooks,
        ShortGrainCalls calls,
        CancellationToken cancellationToken)
    {
        var idempotencyKey = request.Headers[IdempotencyKeyHeader] is { Count: > 0 } keyHeader ? keyHeader.ToString() : null;
        if (idempotencyKey is not null && CreateSessionValidation.IdempotencyKeyProblem(idempotencyKey) is { } keyProblem)
        {
            return ApiProblems.InvalidRequest(keyProblem);
        }

        if (await CreateSessionBody.ReadAsync(request, gateway.Value.MaxCreateBodyBytes, cancellationToken) is not { } raw)
        {
            return ApiProblems.RequestTooLarge(gateway.Value.MaxCreateBodyBytes);
        }

        CreateSessionRequest body;
        try
        {
            body = raw.Length == 0 ? Empty : JsonSerializer.Deserialize<CreateSessionRequest>(raw, json.Value.SerializerOptions) ?? Empty;
        }
        catch (JsonException ex)
        {
            return ApiProblems.InvalidRequest($"The body is not valid JSON for create: {ex.Message}");
        }

        if (CreateSessionValidation.Problem(body, gateway.Value, notion, notionOptions.Value) is { } problem)
        {
            return problem;
        }

        if (body.WebhookUrl is { } webhookUrl && CreateSessionValidation.WebhookUrlProblem(webhookUrl, webhooks.Value) is { } webhookProblem)
        {
            return ApiProblems.InvalidRequest(webhookProblem);
        }

        var id = SessionId.New();
        if (idempotencyKey is not null)
        {
            // Scoped to the caller's API key (one scope without keys), so one caller's keys never answer another's.
            var scope = request.HttpContext.Items[ApiKeyMiddleware.KeyItem] as string ?? "keyless";
            var claim = await calls.RunAsync(grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(scope, idempotencyKey))
                .ClaimAsync(Convert.ToHexStringLower(SHA256.HashData(raw))));
            if (!claim.BodyMatches)
            {
                return ApiProblems.IdempotencyKeyReused();
            }

            id = claim.SessionId;
        }

        if (await BatchCapacity.ReserveAsync(grains, body.BatchId, id, gateway.Value) is { } full)
        {
            return full;
        }

        // A replayed key reaches a session created before: creating it again answers it as it stands.
        var session = await calls.RunAsync(grains.GetGrain<IUploadSessionGrain>(id).CreateAsync(new CreateSessionCommand
        {
            FileName = body.Filename is { } fileName ? DocumentNames.LastSegment(fileName) : null,
            ContentType = body.ContentType ?? "application/pdf",
            ContentLength = body.ContentLength,
            BatchId = body.BatchId,
            Metadata = body.Metadata ?? [],
            WebhookUrl = body.WebhookUrl is null ? null : new Uri(body.WebhookUrl).AbsoluteUri,
        }));
        return TypedResults.Created(InfoPath(id), SessionResources.From(session, request));
    }

    private static async Task<Results<Ok<SessionResource>, Accepted<SessionResource>, ProblemHttpResult>> SendAsync(
        string id,
        HttpRequest request,
        IGrainFactory grains,
        DocumentIntake intake,
        IDocumentStagingStore staging,
        IOptions<GatewayOptions> gateway,
        ShortGrainCalls calls,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!SessionId.IsValid(id))
        {
            return ApiProblems.SessionNotFound();
        }

        // Refuse before reading the body where the session alone decides.
        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        switch (await calls.RunAsync(grain.GetAsync()))
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
        // so the bytes stay; the staging sweep deletes them later if the session never took them. This call stages and
        // may wait for the session's previous work, so it keeps Orleans' own (long) response timeout.
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
            session = await WaitWhileUploadingAsync(grain, session, gateway.Value.SendTimeout, calls, timeProvider, cancellationToken);
        }
        else
        {
            request.HttpContext.Response.Headers["Preference-Applied"] = "respond-async";
        }

        var resource = SessionResources.From(session, request);
        return session.Status switch
        {
            SessionStatus.Uploading => TypedResults.Accepted(InfoPath(id), resource),
            SessionStatus.Failed => ApiProblems.UploadFailed(resource),
            _ => TypedResults.Ok(resource),
        };
    }

    private static async Task<Results<Ok<SessionResource>, ProblemHttpResult>> InfoAsync(
        string id, HttpRequest request, IGrainFactory grains, ShortGrainCalls calls)
    {
        if (!SessionId.IsValid(id) || await calls.RunAsync(grains.GetGrain<IUploadSessionGrain>(id).GetAsync()) is not { } session)
        {
            return ApiProblems.SessionNotFound();
        }

        return TypedResults.Ok(SessionResources.From(session, request));
    }

    private static async Task<Results<Accepted<SessionResource>, ProblemHttpResult>> RetryLinkAsync(
        string id, HttpRequest request, IGrainFactory grains, ShortGrainCalls calls)
    {
        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        if (!SessionId.IsValid(id) || await calls.RunAsync(grain.GetAsync()) is not { } current)
        {
            return ApiProblems.SessionNotFound();
        }

        if (current.Notion.Status != NotionLinkStatus.Failed)
        {
            return ApiProblems.NothingToRetry(current.Notion.Status);
        }

        var session = await calls.RunAsync(grain.RetryLinkAsync());
        return TypedResults.Accepted(InfoPath(id), SessionResources.From(session!, request));
    }

    /// <summary>Waits in short grain calls, so no call nears Orleans' response timeout and a lost silo only costs a retry.</summary>
    private static async Task<UploadSessionSnapshot> WaitWhileUploadingAsync(
        IUploadSessionGrain grain,
        UploadSessionSnapshot session,
        TimeSpan timeout,
        ShortGrainCalls calls,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
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
                var slice = remaining < WaitSlice ? remaining : WaitSlice;
                session = await calls.RunAsync(grain.WaitWhileUploadingAsync(slice), slice) ?? session;
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // The silo holding the session went away (or died unnoticed and the call timed out); the next call
                // activates it elsewhere once the cluster has declared that silo dead.
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
            }
        }

        return session;
    }

    private static bool PrefersAsync(HttpRequest request) =>
        request.Headers["Prefer"].Any(value => value is not null
            && value.Split(',').Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)));
}
