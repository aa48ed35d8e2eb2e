using System.Net;
using System.Security.Cryptography;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>tus core protocol: OPTIONS, HEAD, PATCH, Tus-Resumable; and the upload as an upload session.</summary>
public sealed class TusCoreTests(TusGatewayFixture gateway) : IClassFixture<TusGatewayFixture>
{
    private TusClient Tus => gateway.Tus;

    [Fact]
    public async Task Options_answers_the_version_extensions_max_size_and_checksum_algorithms()
    {
        using var response = await Tus.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, TusClient.Endpoint));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("creation,creation-with-upload,creation-defer-length,termination,expiration,checksum", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal(TusGatewayFixture.MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256,md5", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task A_request_without_Tus_Resumable_is_412_with_Tus_Version()
    {
        using var response = await Tus.Http.PostAsync(TusClient.Endpoint, content: null);

        await Problems.AssertAsync(response, HttpStatusCode.PreconditionFailed, "tus_version_unsupported");
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
    }

    [Fact]
    public async Task Every_answer_carries_Tus_Resumable_even_a_404()
    {
        using var response = await Tus.HeadAsync($"{TusClient.Endpoint}/AAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
    }

    [Fact]
    public async Task Head_answers_the_offset_and_length_and_is_not_cached()
    {
        var pdf = SamplePdf.Create(seed: 1301, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var _ = await Tus.PatchAsync(url, 0, pdf[..3000]);

        using var head = await Tus.HeadAsync(url);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(3000, TusClient.Offset(head));
        Assert.Equal(pdf.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Headers.GetValues("Upload-Length").Single());
        Assert.Contains("no-store", head.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_at_a_wrong_offset_is_409_and_changes_nothing()
    {
        var pdf = SamplePdf.Create(seed: 1302, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var first = await Tus.PatchAsync(url, 0, pdf[..1000]);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

        using var response = await Tus.PatchAsync(url, 2000, pdf[2000..3000]);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "offset_mismatch");
        Assert.Equal(1000, TusClient.Offset(await Tus.HeadAsync(url)));
    }

    [Fact]
    public async Task Patch_without_offset_octet_stream_is_415()
    {
        var pdf = SamplePdf.Create(seed: 1303);
        var url = await Tus.CreateUrlAsync(pdf.Length);

        using var response = await Tus.PatchAsync(url, 0, pdf, contentType: "application/pdf");

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, TusClient.Offset(await Tus.HeadAsync(url)));
    }

    [Fact]
    public async Task Patch_to_an_unknown_upload_is_404()
    {
        using var response = await Tus.PatchAsync($"{TusClient.Endpoint}/AAAAAAAAAAAAAAAAAAAAAA", 0, SamplePdf.Create());

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task An_upload_in_pieces_ends_uploaded_like_a_send_with_the_whole_files_sha256()
    {
        var pdf = SamplePdf.Create(seed: 1304, minimumBytes: 300_000);
        var url = await Tus.CreateUrlAsync(pdf.Length, TusClient.Metadata(("filename", "tus scan.pdf"), ("batch_id", "tus-core"), ("scanner", "A3")));
        Assert.StartsWith("/api/tus/", url, StringComparison.Ordinal);
        var offset = 0;
        foreach (var size in new[] { 100_000, 100_000, pdf.Length - 200_000 })
        {
            using var patch = await Tus.PatchAsync(url, offset, pdf[offset..(offset + size)]);
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            offset += size;
            Assert.Equal(offset, TusClient.Offset(patch));
        }

        var id = TusClient.IdOf(url);
        var session = await gateway.Sessions.WaitForStatusAsync(id, s => s != "uploading", TimeSpan.FromSeconds(30));
        Assert.Equal("uploaded", session.GetProperty("status").GetString());
        Assert.Equal("tus", session.GetProperty("protocol").GetString());
        Assert.Equal(pdf.Length, session.GetProperty("received_bytes").GetInt64());
        Assert.Equal("tus scan.pdf", session.GetProperty("filename").GetString());
        Assert.Equal("tus-core", session.GetProperty("batch_id").GetString());
        Assert.Equal("A3", session.GetProperty("metadata").GetProperty("scanner").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), session.GetProperty("sha256").GetString());
        var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
        Assert.Equal(SamplePdf.Sha256(pdf), gateway.Cloudinary.Find(publicId)?.Sha256);
        Assert.False(File.Exists(gateway.PartPath(url)));

        using var head = await Tus.HeadAsync(url);
        Assert.Equal(pdf.Length, TusClient.Offset(head));
    }

    [Fact]
    public async Task A_post_with_X_HTTP_Method_Override_PATCH_is_a_patch()
    {
        var pdf = SamplePdf.Create(seed: 1306, minimumBytes: 8000);
        var url = await Tus.CreateUrlAsync(pdf.Length);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(pdf[..2000]) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", "0");
        request.Headers.Add("X-HTTP-Method-Override", "PATCH");
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");

        using var response = await Tus.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(2000, TusClient.Offset(await Tus.HeadAsync(url)));
    }

    [Fact]
    public async Task A_sent_session_says_protocol_send_and_its_received_bytes()
    {
        var id = await gateway.Sessions.CreateIdAsync();
        var pdf = SamplePdf.Create(seed: 1305);

        var (_, session) = await gateway.Sessions.SendAsync(id, pdf);

        Assert.Equal("send", session.GetProperty("protocol").GetString());
        Assert.Equal(pdf.Length, session.GetProperty("received_bytes").GetInt64());
    }
}
