using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>tus extensions creation, creation-with-upload, creation-defer-length and expiration's header.</summary>
public sealed class TusCreationTests(TusGatewayFixture gateway) : IClassFixture<TusGatewayFixture>
{
    private TusClient Tus => gateway.Tus;

    [Fact]
    public async Task Post_creates_an_upload_session_at_its_Location_with_Upload_Expires()
    {
        using var response = await Tus.CreateAsync(5000, TusClient.Metadata(("filename", "a/b/created.pdf"), ("content_type", "application/pdf")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = response.Headers.Location!.ToString();
        Assert.Matches("^/api/tus/[A-Za-z0-9_-]{22}$", url);
        var expires = DateTimeOffset.Parse(response.Headers.GetValues("Upload-Expires").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow.AddHours(23));
        var (info, session) = await gateway.Sessions.InfoAsync(TusClient.IdOf(url));
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal("pending", session.GetProperty("status").GetString());
        Assert.Equal("created.pdf", session.GetProperty("filename").GetString());
        Assert.Equal(5000, session.GetProperty("content_length").GetInt64());
        Assert.Equal(0, session.GetProperty("received_bytes").GetInt64());
    }

    [Fact]
    public async Task Post_without_Upload_Length_or_Upload_Defer_Length_is_400()
    {
        using var response = await Tus.CreateAsync(null);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Post_over_the_document_limit_is_413()
    {
        using var response = await Tus.CreateAsync(TusGatewayFixture.MaxDocumentBytes + 1);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large");
    }

    [Fact]
    public async Task Metadata_that_create_would_refuse_is_400()
    {
        using var response = await Tus.CreateAsync(5000, TusClient.Metadata(("batch_id", "not a batch id!")));

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Post_with_a_body_takes_it_as_the_first_bytes()
    {
        var pdf = SamplePdf.Create(seed: 1310, minimumBytes: 6000);

        using var response = await Tus.CreateAsync(pdf.Length, body: pdf[..2500]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2500, TusClient.Offset(response));
        Assert.Equal(2500, TusClient.Offset(await Tus.HeadAsync(response.Headers.Location!.ToString())));
    }

    [Fact]
    public async Task A_deferred_length_is_declared_by_a_later_patch_and_the_upload_completes()
    {
        var pdf = SamplePdf.Create(seed: 1311, minimumBytes: 6000);
        using var created = await Tus.CreateAsync(null, defer: true);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = created.Headers.Location!.ToString();
        using (var head = await Tus.HeadAsync(url))
        {
            Assert.Equal("1", head.Headers.GetValues("Upload-Defer-Length").Single());
        }

        using var first = await Tus.PatchAsync(url, 0, pdf[..3000]);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        using var last = await Tus.PatchAsync(url, 3000, pdf[3000..], length: pdf.Length);
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);

        var session = await gateway.Sessions.WaitForStatusAsync(TusClient.IdOf(url), s => s != "pending" && s != "uploading", TimeSpan.FromSeconds(30));
        Assert.Equal("uploaded", session.GetProperty("status").GetString());
        Assert.Equal(SamplePdf.Sha256(pdf), session.GetProperty("sha256").GetString());
    }
}
