using Microsoft.AspNetCore.Http.HttpResults;
using UploadProxy.Grains;

namespace UploadProxy.Gateway.Batches;

/// <summary>The bound on a batch's size, checked by <c>create</c> before the session exists.</summary>
internal static class BatchCapacity
{
    /// <summary>
    /// Holds a place in the batch for the session about to be created, or answers <c>409 batch_full</c>. The batch
    /// grain holds the place before the session exists, so a refused create leaves nothing behind, and the bound holds
    /// exactly however many creates race for the last place.
    /// </summary>
    public static async Task<ProblemHttpResult?> ReserveAsync(IGrainFactory grains, string? batchId, string sessionId, GatewayOptions options)
    {
        if (batchId is null || await grains.GetGrain<IBatchGrain>(batchId).TryReserveAsync(sessionId, options.MaxSessionsPerBatch))
        {
            return null;
        }

        return ApiProblems.BatchFull(options.MaxSessionsPerBatch);
    }
}
