using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway;

/// <summary>
/// Bounds the gateway's short grain calls (create, info, retry, batch reads) by <c>Gateway:GrainCallTimeout</c>. A call
/// to a silo that died before the cluster noticed otherwise waits Orleans' whole response timeout (30 s); bounded, it
/// fails with <see cref="TimeoutException"/>, which the error table answers <c>503 cluster_unavailable</c> with
/// <c>Retry-After</c>, so the client comes back once the session has moved instead of holding a connection open.
/// </summary>
internal sealed class ShortGrainCalls(IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    public Task<T> RunAsync<T>(Task<T> call) => RunAsync(call, TimeSpan.Zero);

    /// <summary>A call that waits on purpose (a long poll) for up to <paramref name="wait"/>, bounded by that plus the usual timeout.</summary>
    public async Task<T> RunAsync<T>(Task<T> call, TimeSpan wait)
    {
        try
        {
            return await call.WaitAsync(wait + options.Value.GrainCallTimeout, timeProvider);
        }
        catch (TimeoutException)
        {
            // The call itself goes on until Orleans' own timeout; nobody awaits its outcome any more.
            call.Ignore();
            throw;
        }
    }
}
