using System.Net;
using UploadProxy.Tests.Support;
using Xunit.Abstractions;

namespace UploadProxy.Tests.Cloudinary;

/// <summary>Cloudinary stores an upload and the answer never comes back: the document must still be stored once.</summary>
public sealed class LostAnswerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task With_one_answer_in_ten_lost_after_storing_no_document_is_uploaded_twice()
    {
        const int Documents = 150;
        await using var gateway = await CloudinaryGateway.StartAsync();
        gateway.Cloudinary.LoseAnswers(0.10, seed: 11);

        using var concurrency = new SemaphoreSlim(8);
        var sent = await Task.WhenAll(Enumerable.Range(0, Documents).Select(async i =>
        {
            await concurrency.WaitAsync();
            try
            {
                var id = await gateway.Client.CreateIdAsync(new { filename = $"lost-{i:D3}.pdf" });
                var pdf = SamplePdf.Create(seed: 300 + i);
                var (response, body) = await gateway.Client.SendAsync(id, pdf, respondAsync: true);
                Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{response.StatusCode}: {body}");
                return (Id: id, Pdf: pdf);
            }
            finally
            {
                concurrency.Release();
            }
        }));

        foreach (var (id, pdf) in sent)
        {
            var session = await gateway.Client.WaitForStatusAsync(id, s => s == "uploaded" || s == "failed", Patience);
            Assert.True("uploaded" == session.GetProperty("status").GetString(), session.ToString());
            var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
            Assert.Equal(SamplePdf.Sha256(pdf), gateway.Cloudinary.Find(publicId)?.Sha256);
            Assert.Equal(1, gateway.Cloudinary.StoredUploadsOf(publicId));
        }

        var requests = gateway.Cloudinary.Requests;
        output.WriteLine(
            $"{Documents} documents: {requests.Count(r => r.Kind == "upload")} upload requests, {requests.Count(r => r.Stored)} stored, " +
            $"{requests.Count(r => r.StatusCode == 0)} answers lost, {requests.Count(r => r.Kind == "lookup")} lookups");
        Assert.InRange(requests.Count(r => r.StatusCode == 0), 1, Documents);
        Assert.Equal(Documents, gateway.Cloudinary.Assets.Count);
        Assert.Equal(Documents, requests.Count(r => r.Stored));
    }

    [Fact]
    public async Task A_chunked_document_whose_last_answer_is_lost_is_adopted_not_uploaded_again()
    {
        await using var gateway = await CloudinaryGateway.StartAsync();
        var id = await gateway.Client.CreateIdAsync(new { filename = "large.pdf" });
        var pdf = SamplePdf.Create(minimumBytes: 12 * 1024 * 1024, seed: 23);
        gateway.Cloudinary.LoseNextAnswers(1);

        var (response, _) = await gateway.Client.SendAsync(id, pdf, respondAsync: true);
        var session = await gateway.Client.WaitForStatusAsync(id, s => s == "uploaded" || s == "failed", Patience);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True("uploaded" == session.GetProperty("status").GetString(), session.ToString());
        var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
        var asset = gateway.Cloudinary.Find(publicId);
        Assert.Equal(SamplePdf.Sha256(pdf), asset?.Sha256);
        Assert.Equal(pdf.Length, asset?.Bytes);
        Assert.Equal(1, gateway.Cloudinary.StoredUploadsOf(publicId));
        Assert.Single(gateway.Cloudinary.Requests, r => r.StatusCode == 0);
    }
}
