using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Security;
using UploadProxy.Grains;
using UploadProxy.Integrations.Notion;

namespace UploadProxy.Gateway.Batches;

/// <summary>Batches for dashboards: a summary answered by the batch grain alone, and a live stream of changes.</summary>
internal static class BatchesApi
{
    // One grain call waits at most this long for changes, well inside Orleans' response timeout.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(10);

    // Sessions restarted at once by retry-failed: enough to finish 10 000 quickly, few enough not to flood the silos.
    private const int RetryConcurrency = 16;

    // No sessions: whether the batch exists, and its last change.
    private static readonly BatchPageQuery SummaryOnly = new(0, 0, null);

    public static IEndpointRouteBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/batches").WithTags("Batches").RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit);

        api.MapGet("/", ListAsync)
            .WithName("ListBatches")
            .WithSummary("The batches updated most recently, newest first");

        api.MapGet("/{id}", GetAsync)
            .WithName("GetBatch")
            .WithSummary("A batch's counts per status and one page of its sessions, in the order they joined it");

        // A complex segment outranks a plain parameter, so "a.b.csv" is batch "a.b" as CSV; a batch whose own id ends in
        // ".csv" is exported at /{id}/export.csv, which means the same for every id.
        api.MapGet("/{id}.csv", ExportAsync)
            .WithName("ExportBatch")
            .WithSummary("The batch as CSV: id, file, status, URL, Notion page, error; streamed page by page");

        api.MapGet("/{id}/export.csv", ExportAsync)
            .WithName("ExportBatchById")
            .WithSummary("The same CSV as /api/batches/{id}.csv, for any batch id (also one ending in .csv)");

        api.MapPost("/{id}/retry-failed", RetryFailedAsync)
            .WithName("RetryFailedLinks")
            .WithSummary("Runs Notion linking again for every session of the batch whose linking failed for good");

        api.MapGet("/{id}/events", EventsAsync)
            .WithName("BatchEvents")
            .WithSummary("Server-Sent Events, one per session change; resumable with Last-Event-ID");

        return app;
    }

    private static async Task<Ok<BatchListResource>> ListAsync(IGrainFactory grains, ShortGrainCalls calls)
    {
        var batches = await calls.RunAsync(grains.GetGrain<IBatchDirectoryGrain>(0).ListAsync());
        return TypedResults.Ok(new BatchListResource([.. batches.Select(b => BatchResource.From(b))]));
    }

    private static async Task<Results<Ok<BatchResource>, ProblemHttpResult>> GetAsync(
        string id, HttpRequest request, IGrainFactory grains, ShortGrainCalls calls, IOptions<NotionOptions> notion, int? limit, string? cursor, string? status)
    {
        var (query, problem) = BatchPageParameters.Read(limit, cursor, status);
        if (problem is not null)
        {
            return problem;
        }

        if (await calls.RunAsync(grains.GetGrain<IBatchGrain>(id).GetPageAsync(query!)) is not { } page)
        {
            return ApiProblems.BatchNotFound();
        }

        return TypedResults.Ok(BatchResource.From(
            page, [.. page.Sessions.Select(s => BatchSessionResource.From(s, request))], BatchPageParameters.Cursor(page.NextPosition), notion.Value));
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        string id, HttpRequest request, IGrainFactory grains, IOptions<GatewayOptions> options)
    {
        var batch = grains.GetGrain<IBatchGrain>(id);
        var pageSize = options.Value.ExportPageSize;
        // The first page is read before the answer starts, so an unknown batch is still a 404 and not an empty file.
        if (await batch.GetPageAsync(new BatchPageQuery(0, pageSize, null)) is not { } first)
        {
            return ApiProblems.BatchNotFound();
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        return TypedResults.Stream(
            body => BatchCsv.WriteAsync(body, batch, first, pageSize, request, cancellationToken), BatchCsv.ContentType, FileName(id));
    }

    /// <summary>
    /// Restarts Notion linking of every session whose linking failed for good, in calls of their own to each session,
    /// and answers how many started again. A session whose upload failed for good is not restarted: Cloudinary refused
    /// its document, so the same bytes would be refused again, and only a new session can store other ones.
    /// </summary>
    private static async Task<Results<Ok<BatchRetryResource>, ProblemHttpResult>> RetryFailedAsync(
        string id, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var batch = grains.GetGrain<IBatchGrain>(id);
        if (await batch.GetFailedLinksAsync() is not { } failed || await batch.GetPageAsync(SummaryOnly) is not { } summary)
        {
            return ApiProblems.BatchNotFound();
        }

        var restarted = 0;
        await Parallel.ForEachAsync(
            failed,
            new ParallelOptions { MaxDegreeOfParallelism = RetryConcurrency, CancellationToken = cancellationToken },
            async (sessionId, _) =>
            {
                // Counted once its linking is no longer failed: restarted by this call, or by a retry a moment before it.
                if (await grains.GetGrain<IUploadSessionGrain>(sessionId).RetryLinkAsync() is { Notion.Status: not NotionLinkStatus.Failed })
                {
                    Interlocked.Increment(ref restarted);
                }
            });

        return TypedResults.Ok(new BatchRetryResource(restarted, summary.Summary.Counts.GetValueOrDefault(SessionStatus.Failed)));
    }

    // Batch ids are [A-Za-z0-9._:-]; ':' is not allowed in file names on every system.
    private static string FileName(string id) => $"batch-{id.Replace(':', '_')}.csv";

    private static async Task<Results<ServerSentEventsResult<BatchEventResource>, ProblemHttpResult>> EventsAsync(
        string id,
        HttpRequest request,
        IGrainFactory grains,
        EventStreamSlots slots,
        ShortGrainCalls calls,
        [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Last-Event-ID")] long? lastEventId)
    {
        var context = request.HttpContext;
        if (slots.TryTake(context.Items[ApiKeyMiddleware.KeyItem] as string) is not { } slot)
        {
            context.Response.Headers.RetryAfter = EventStreamSlots.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.TooManyEventStreams(EventStreamSlots.RetryAfterSeconds);
        }

        // Given back when the request ends, however it ends: the client gone, a fault, or the 404 below.
        context.Response.RegisterForDispose(slot);
        var batch = grains.GetGrain<IBatchGrain>(id);
        if (await calls.RunAsync(batch.GetPageAsync(SummaryOnly)) is null)
        {
            return ApiProblems.BatchNotFound();
        }

        return TypedResults.ServerSentEvents(ChangesAsync(batch, lastEventId ?? 0, request, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<BatchEventResource>> ChangesAsync(
        IBatchGrain batch, long after, HttpRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now: a watcher of a quiet batch must know at once that the stream is open.
        await request.HttpContext.Response.Body.FlushAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            // A watcher that left ends its stream now, not when the grain's wait ends: that gives its slot back at once.
            var read = await batch.ReadChangesAsync(after, WaitSlice).WaitAsync(cancellationToken);
            if (read is { Reset: false, Changes.Count: 0 })
            {
                // Nothing changed during the wait: a keep-alive tells the watcher (and any proxy) the link is alive.
                yield return new SseItem<BatchEventResource>(null!, "keep-alive");
                continue;
            }

            if (read.Reset)
            {
                // The changes asked for are gone: the client reloads the batch and follows from now on.
                after = (await batch.GetPageAsync(SummaryOnly))?.Sequence ?? after;
                yield return new SseItem<BatchEventResource>(null!, "reset") { EventId = after.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                continue;
            }

            foreach (var change in read.Changes)
            {
                after = change.Sequence;
                var session = BatchSessionResource.From(change.Session, request);
                yield return new SseItem<BatchEventResource>(new BatchEventResource(session, read.Summary!.Total, read.Summary.Counts)
                {
                    AwaitingLink = read.Summary.AwaitingLink,
                    LinkFailed = read.Summary.LinkFailed,
                }, "session")
                {
                    EventId = change.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }
    }
}
