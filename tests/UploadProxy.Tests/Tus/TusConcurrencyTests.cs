using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>Two PATCHes to one upload never interleave: the session grain holds the upload for one at a time.</summary>
public sealed class TusConcurrencyTests
{
    [Fact]
    public async Task A_second_patch_while_one_is_writing_is_423()
    {
        // Over real HTTP (Kestrel), so that the first PATCH's body is still coming while the second arrives.
        await using var factory = new GatewayFactory(TestSettings.Standalone(TestSettings.NewDataDirectory()));
        factory.UseKestrel(0);
        factory.StartServer();
        // A plain client: the factory's own replays (so buffers) request bodies for redirects.
        using var http = new HttpClient { BaseAddress = factory.CreateClient().BaseAddress };
        var tus = new TusClient(http);
        var pdf = SamplePdf.Create(seed: 1325, minimumBytes: 8000);
        var url = await tus.CreateUrlAsync(pdf.Length);
        var body = new HeldContent(pdf[..4000]);
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = body };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", "0");
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        var first = tus.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await body.FirstBytesSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The part exists once the first PATCH holds the upload and writes; from then on the upload is its until it ends.
        await Eventually.UntilAsync("the first PATCH to start writing", () => File.Exists(Path.Combine(factory.DataDirectory, "staging", "tus", TusClient.IdOf(url) + ".part")), TimeSpan.FromSeconds(30));

        var second = (await tus.PatchAsync(url, 0, pdf[..4000])).StatusCode;
        body.Release.SetResult();
        using var firstResponse = await first;

        Assert.Equal((HttpStatusCode)423, second);
        Assert.Equal(HttpStatusCode.NoContent, firstResponse.StatusCode);
        Assert.Equal(4000, TusClient.Offset(await tus.HeadAsync(url)));
    }

    /// <summary>A body whose first bytes go at once and whose rest waits for the test.</summary>
    private sealed class HeldContent(byte[] bytes) : HttpContent
    {
        public TaskCompletionSource FirstBytesSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, 100));
            await stream.FlushAsync();
            FirstBytesSent.SetResult();
            await Release.Task;
            await stream.WriteAsync(bytes.AsMemory(100));
        }

        // Unknown length, so the request streams (chunked) instead of being buffered whole before it is sent.
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
