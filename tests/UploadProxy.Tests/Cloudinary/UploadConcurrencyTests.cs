using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

public sealed class UploadConcurrencyTests
{
    [Fact]
    public async Task A_silo_runs_at_most_MaxConcurrentUploads_at_once_and_the_rest_follow_as_slots_free()
    {
        await using var gateway = await CloudinaryGateway.StartAsync(settings: new Dictionary<string, string?> { ["Cloudinary:MaxConcurrentUploads"] = "2" });
        var cloudinary = gateway.Cloudinary;
        cloudinary.HoldUploads();
        var sessions = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var id = await gateway.Client.CreateIdAsync(new { filename = $"queued-{i}.pdf", batch_id = i % 2 == 0 ? "even" : "odd" });
            // Accepted at once: the client is not held by the queue.
            var (response, _) = await gateway.Client.SendAsync(id, SamplePdf.Create(seed: 300 + i), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            sessions.Add(id);
        }

        await Eventually.UntilAsync("two uploads to reach Cloudinary", () => cloudinary.HeldUploads == 2, TimeSpan.FromSeconds(30));
        // The other four wait for a slot; none of them reaches Cloudinary meanwhile.
        var (_, waiting) = await gateway.Client.InfoAsync(sessions[^1]);
        Assert.Equal("uploading", waiting.GetProperty("status").GetString());
        Assert.Equal(2, cloudinary.ReceivedUploads.Count);

        cloudinary.Release();
        foreach (var id in sessions)
        {
            await gateway.Client.WaitForStatusAsync(id, s => s == "uploaded", TimeSpan.FromSeconds(30));
        }

        Assert.Equal(6, cloudinary.Assets.Count);
        Assert.Equal(6, cloudinary.ReceivedUploads.Count);
    }
}
