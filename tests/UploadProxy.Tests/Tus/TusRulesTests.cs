using System.Net;
using System.Security.Cryptography;
using UploadProxy.Tests.Support;

// tus names sha1 and md5 for its checksums: they detect corrupted bodies, they are no security boundary.
#pragma warning disable CA5350, CA5351

namespace UploadProxy.Tests.Tus;

/// <summary>tus extensions checksum and termination, the length rule, the product's own rules, and CORS.</summary>
public sealed class TusRulesTests(TusGatewayFixture gateway) : IClassFixture<TusGatewayFixture>
{
    private TusClient Tus => gateway.Tus;

    [Fact]
    public async Task Checksum_mismatch_is_460_and_nothing_is_appended()
    {
        var pdf = SamplePdf.Create(seed: 1320, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var first = await Tus.PatchAsync(url, 0, pdf[..1000], checksum: $"sha1 {Convert.ToBase64String(SHA1.HashData(pdf[..1000]))}");
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

        using var response = await Tus.PatchAsync(url, 1000, pdf[1000..4000], checksum: $"sha256 {Convert.ToBase64String(SHA256.HashData(pdf[..3000]))}");

        await Problems.AssertAsync(response, (HttpStatusCode)460, "checksum_mismatch");
        Assert.Equal(1000, TusClient.Offset(await Tus.HeadAsync(url)));
        Assert.Equal(1000, new FileInfo(gateway.PartPath(url)).Length);
    }

    [Fact]
    public async Task A_matching_md5_checksum_is_accepted()
    {
        var pdf = SamplePdf.Create(seed: 1321, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);

        using var response = await Tus.PatchAsync(url, 0, pdf[..4000], checksum: $"md5 {Convert.ToBase64String(MD5.HashData(pdf[..4000]))}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(4000, TusClient.Offset(response));
    }

    [Fact]
    public async Task An_unsupported_checksum_algorithm_is_400()
    {
        var url = await Tus.CreateUrlAsync(8000);

        using var response = await Tus.PatchAsync(url, 0, SamplePdf.Create(), checksum: "crc32 AAAA");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_body_past_Upload_Length_is_413_and_nothing_is_kept()
    {
        var pdf = SamplePdf.Create(seed: 1322, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(5000);

        using var response = await Tus.PatchAsync(url, 0, pdf[..6000]);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "upload_length_exceeded");
        Assert.Equal(0, TusClient.Offset(await Tus.HeadAsync(url)));
        Assert.False(File.Exists(gateway.PartPath(url)) && new FileInfo(gateway.PartPath(url)).Length > 0);
    }

    [Fact]
    public async Task First_bytes_that_are_not_a_pdf_are_415_unsupported_document_and_deleted()
    {
        var url = await Tus.CreateUrlAsync(5000);

        using var response = await Tus.PatchAsync(url, 0, new byte[3000]);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_document");
        Assert.False(File.Exists(gateway.PartPath(url)));
        var (_, session) = await gateway.Sessions.InfoAsync(TusClient.IdOf(url));
        Assert.Equal("failed", session.GetProperty("status").GetString());
        Assert.Equal("unsupported_document", session.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Delete_is_204_deletes_the_bytes_and_the_upload_then_answers_410()
    {
        var pdf = SamplePdf.Create(seed: 1323, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var _ = await Tus.PatchAsync(url, 0, pdf[..3000]);
        Assert.True(File.Exists(gateway.PartPath(url)));

        using var response = await Tus.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(File.Exists(gateway.PartPath(url)));
        Assert.Equal(HttpStatusCode.Gone, (await Tus.HeadAsync(url)).StatusCode);
        await Problems.AssertAsync(await Tus.PatchAsync(url, 3000, pdf[3000..]), HttpStatusCode.Gone, "session_expired");
    }

    [Fact]
    public async Task A_finished_upload_cannot_be_terminated()
    {
        var pdf = SamplePdf.Create(seed: 1324);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var patch = await Tus.PatchAsync(url, 0, pdf);
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);

        using var response = await Tus.DeleteAsync(url);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "session_conflict");
    }

    [Fact]
    public async Task A_cors_preflight_from_a_configured_origin_allows_the_tus_headers_without_a_key()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, TusClient.Endpoint);
        preflight.Headers.Add("Origin", TusGatewayFixture.Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,upload-checksum,content-type");

        using var response = await Tus.Http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(TusGatewayFixture.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("upload-offset", allowed, StringComparison.Ordinal);
        Assert.Contains("upload-checksum", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cors_answer_exposes_Location_and_the_upload_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TusClient.Endpoint);
        request.Headers.Add("Origin", TusGatewayFixture.Origin);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", "5000");

        using var response = await Tus.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var exposed = string.Join(',', response.Headers.GetValues("Access-Control-Expose-Headers"));
        foreach (var header in new[] { "Location", "Upload-Offset", "Upload-Length", "Upload-Expires", "Tus-Resumable" })
        {
            Assert.Contains(header, exposed, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_origin_not_configured_gets_no_cors_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TusClient.Endpoint);
        request.Headers.Add("Origin", "https://elsewhere.example");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", "5000");

        using var response = await Tus.Http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
