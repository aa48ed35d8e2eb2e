using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>The gateway on Kestrel, not the test server (the minimum data rate is Kestrel's), with a short grace.</summary>
public sealed class SlowSendGatewayFixture : IAsyncLifetime
{
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        // A short grace and a rate no stalled client keeps, so the test takes seconds.
        settings["Gateway:MinSendRateGracePeriod"] = "00:00:01.500";
        settings["Gateway:MinSendBytesPerSecond"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Factory = new GatewayFactory(settings);
        Factory.UseKestrel(0);
        // No redirect handler: it would buffer the whole body before sending any of it.
        using var started = Factory.CreateClient();
        Client = new UploadProxyClient(Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = started.BaseAddress! }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>A send that stalls is cut off once its grace period has passed, and its partial bytes are deleted.</summary>
public sealed class SlowSendTests(SlowSendGatewayFixture gateway) : IClassFixture<SlowSendGatewayFixture>
{
    [Fact]
    public async Task A_stalled_send_is_cut_off_and_its_staged_bytes_are_deleted()
    {
        var id = await gateway.Client.CreateIdAsync();
        using var stalled = new CancellationTokenSource();
        var content = new StalledContent(SamplePdf.Create(minimumBytes: 128 * 1024, seed: 90).AsMemory(0, 64 * 1024), stalled.Token);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");

        var sending = gateway.Client.Http.PostAsync($"{UploadProxyClient.BasePath}/send/{id}", content);
        await Eventually.UntilAsync("the first bytes staged", () => Task.FromResult(gateway.Factory.StagedFiles.Count()), n => n > 0, TimeSpan.FromSeconds(10));

        // Nothing else would remove the partial file while the client holds the request open.
        await Eventually.UntilAsync("the stalled send cut off and its staged bytes deleted",
            () => Task.FromResult(gateway.Factory.StagedFiles.Count()), n => n == 0, TimeSpan.FromSeconds(15));
        await stalled.CancelAsync();
        var answer = await sending.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        var (_, session) = await gateway.Client.InfoAsync(id);

        Assert.NotEqual(HttpStatusCode.OK, answer?.StatusCode);
        Assert.Equal("pending", session.GetProperty("status").GetString());
    }

    /// <summary>Sends its first bytes, then nothing until the test ends.</summary>
    private sealed class StalledContent(ReadOnlyMemory<byte> first, CancellationToken stalled) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite, stalled);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 128 * 1024;
            return true;
        }
    }
}
