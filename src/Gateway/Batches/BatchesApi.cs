using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using UploadProxy.Grains;

using UploadProxy.Gateway.Security;

namespace UploadProxy.Gateway.Batches;

/// <summary>Batches for dashboards: a summary answered by the batch grain alone, and a live stream of changes.</summary>
internal static class BatchesApi
{
    // One grain call waits at most this long for changes, well inside Orleans' response timeout.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/batches").WithTags("Batches").RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit);

        api.MapGet("/", ListAsync)
            .WithName("ListBatches")
            .WithSummary("The batches updated most recently, newest first");

        api.MapGet("/{id}", GetAsync)
            .WithName("GetBatch")
            .WithSummary("A batch's counts per status and its sessions");

        api.MapGet("/{id}/events", Events)
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
        string id, HttpRequest request, IGrainFactory grains, ShortGrainCalls calls)
    {
        if (await calls.RunAsync(grains.GetGrain<IBatchGrain>(id).GetAsync()) is not { } batch)
        {
            return ApiProblems.BatchNotFound();
        }

        return TypedResults.Ok(BatchResource.From(batch.Summary, [.. batch.Sessions.Select(s => BatchSessionResource.From(s, request))]));
    }

    private static ServerSentEventsResult<BatchEventResource> Events(
        string id, HttpRequest request, IGrainFactory grains, [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Last-Event-ID")] long? lastEventId) =>
        TypedResults.ServerSentEvents(ChangesAsync(grains.GetGrain<IBatchGrain>(id), lastEventId ?? 0, request, request.HttpContext.RequestAborted));

    private static async IAsyncEnumerable<SseItem<BatchEventResource>> ChangesAsync(
        IBatchGrain batch, long after, HttpRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now: a watcher of a quiet batch must know at once that the stream is open.
        await request.HttpContext.Response.Body.FlushAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            var read = await batch.ReadChangesAsync(after, WaitSlice);
            if (read is { Reset: false, Changes.Count: 0 })
            {
                // Nothing changed during the wait: a keep-alive tells the watcher (and any proxy) the link is alive.
                yield return new SseItem<BatchEventResource>(null!, "keep-alive");
                continue;
            }

            if (read.Reset)
            {
                // The changes asked for are gone: the client reloads the batch and follows from now on.
                after = (await batch.GetAsync())?.Sequence ?? after;
                yield return new SseItem<BatchEventResource>(null!, "reset") { EventId = after.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                continue;
            }

            foreach (var change in read.Changes)
            {
                after = change.Sequence;
                var session = BatchSessionResource.From(change.Session, request);
                yield return new SseItem<BatchEventResource>(new BatchEventResource(session, read.Summary!.Total, read.Summary.Counts), "session")
                {
                    EventId = change.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }
    }
}
