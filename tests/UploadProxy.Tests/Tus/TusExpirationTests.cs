using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>tus extension expiration: an upload left alone expires, answers 410, and its bytes are swept.</summary>
public sealed class TusExpirationTests
{
    [Fact]
    public async Task An_expired_upload_answers_410_and_its_bytes_are_swept()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Sessions:PendingLifetime"] = "00:00:02";
        await using var factory = new GatewayFactory(settings);
        var tus = new TusClient(factory.CreateClient());
        var pdf = SamplePdf.Create(seed: 1330, minimumBytes: 8000);
        var url = await tus.CreateUrlAsync(pdf.Length);
        using var patch = await tus.PatchAsync(url, 0, pdf[..3000]);
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var part = Path.Combine(factory.DataDirectory, "staging", "tus", TusClient.IdOf(url) + ".part");
        Assert.True(File.Exists(part));

        // Nobody asks the upload: the session's own reminder expires it.
        await Eventually.UntilAsync("the expired upload's bytes to be swept", () => !File.Exists(part), TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.Gone, (await tus.HeadAsync(url)).StatusCode);
        await Problems.AssertAsync(await tus.PatchAsync(url, 3000, pdf[3000..]), HttpStatusCode.Gone, "session_expired");
    }
}
