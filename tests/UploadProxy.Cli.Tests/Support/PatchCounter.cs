namespace UploadProxy.Cli.Tests.Support;

/// <summary>Counts the tool's tus PATCHes the gateway accepted, and can cut the run after a given number of them.</summary>
public sealed class PatchCounter(int cutAfter = int.MaxValue, CancellationTokenSource? cut = null) : DelegatingHandler(new HttpClientHandler())
{
    private int _accepted;

    public int Accepted => Volatile.Read(ref _accepted);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Patch && response.IsSuccessStatusCode && Interlocked.Increment(ref _accepted) == cutAfter && cut is not null)
        {
            await cut.CancelAsync();
        }

        return response;
    }
}
