using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Gateway;

public sealed class SendDocumentTests(CloudinaryGatewayFixture gateway) : IClassFixture<CloudinaryGatewayFixture>
{
    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task Send_stores_the_pdf_on_cloudinary_and_answers_its_permanent_url()
    {
        var id = await Client.CreateIdAsync(new { filename = "Scan 0001 (copie).pdf" });
        var pdf = SamplePdf.Create(seed: 1);

        var (response, session) = await Client.SendAsync(id, pdf);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("uploaded", session.GetProperty("status").GetString());
        var storage = session.GetProperty("storage");
        var publicId = storage.GetProperty("public_id").GetString()!;
        Assert.Matches(@"^dashboard-documents/\d{13}-[a-z0-9]{8}-Scan-0001-copie\.pdf$", publicId);
        Assert.Equal("cloudinary", storage.GetProperty("provider").GetString());
        Assert.Equal("raw", storage.GetProperty("resource_type").GetString());
        Assert.Equal(pdf.Length, storage.GetProperty("bytes").GetInt64());
        Assert.Equal(SamplePdf.Sha256(pdf), session.GetProperty("sha256").GetString());

        var asset = gateway.Cloudinary.Find(publicId);
        Assert.NotNull(asset);
        Assert.Equal(SamplePdf.Sha256(pdf), asset.Sha256);
        Assert.Equal(asset.SecureUrl, session.GetProperty("url").GetString());
        Assert.Equal(asset.SecureUrl, storage.GetProperty("secure_url").GetString());

        var (_, info) = await Client.InfoAsync(id);
        Assert.Equal("uploaded", info.GetProperty("status").GetString());
        Assert.Equal(asset.SecureUrl, info.GetProperty("url").GetString());
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Send_accepts_the_raw_pdf_as_the_body()
    {
        var id = await Client.CreateIdAsync(new { filename = "raw.pdf" });
        var pdf = SamplePdf.Create(seed: 2);

        var (response, session) = await Client.SendAsync(id, pdf, raw: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SamplePdf.Sha256(pdf), gateway.Cloudinary.Find(session.GetProperty("storage").GetProperty("public_id").GetString()!)?.Sha256);
    }

    [Fact]
    public async Task Send_of_the_same_bytes_again_answers_as_the_first_did_and_stores_once()
    {
        var id = await Client.CreateIdAsync();
        var pdf = SamplePdf.Create(seed: 3);
        var (_, first) = await Client.SendAsync(id, pdf);

        var (response, second) = await Client.SendAsync(id, pdf);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(first.GetProperty("url").GetString(), second.GetProperty("url").GetString());
        Assert.Equal(1, gateway.Cloudinary.Find(second.GetProperty("storage").GetProperty("public_id").GetString()!)?.UploadCount);
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Send_of_other_bytes_is_refused_with_409()
    {
        var id = await Client.CreateIdAsync();
        await Client.SendAsync(id, SamplePdf.Create(seed: 4));

        var (response, _) = await Client.SendAsync(id, SamplePdf.Create(seed: 5));

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "session_conflict");
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Concurrent_sends_of_different_bytes_store_exactly_one_document()
    {
        var id = await Client.CreateIdAsync();
        var documents = Enumerable.Range(10, 4).Select(seed => SamplePdf.Create(seed: seed)).ToArray();

        var answers = await Task.WhenAll(documents.Select(pdf => Client.SendAsync(id, pdf)));

        Assert.Single(answers, a => a.Response.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Response.StatusCode != HttpStatusCode.OK),
            a => Assert.Equal(HttpStatusCode.Conflict, a.Response.StatusCode));
        var (_, info) = await Client.InfoAsync(id);
        var stored = gateway.Cloudinary.Find(info.GetProperty("storage").GetProperty("public_id").GetString()!);
        Assert.Equal(info.GetProperty("sha256").GetString(), stored?.Sha256);
        Assert.Contains(documents, d => SamplePdf.Sha256(d) == stored?.Sha256);
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Send_of_a_non_pdf_is_refused_with_415_and_leaves_the_session_pending()
    {
        var id = await Client.CreateIdAsync();

        var (response, _) = await Client.SendAsync(id, Encoding.UTF8.GetBytes("PK\u0003\u0004 this is a zip, named .pdf"), "scan.pdf");

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_document");
        var (_, info) = await Client.InfoAsync(id);
        Assert.Equal("pending", info.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, info.GetProperty("sha256").ValueKind);
        Assert.Empty(gateway.Factory.StagedFiles);

        var (retry, _) = await Client.SendAsync(id, SamplePdf.Create(seed: 6));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Send_of_an_empty_file_is_an_invalid_request()
    {
        var id = await Client.CreateIdAsync();

        var (response, _) = await Client.SendAsync(id, []);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Send_over_the_size_limit_is_refused_with_413_and_leaves_nothing_staged()
    {
        var id = await Client.CreateIdAsync();
        var tooLarge = SamplePdf.Create(minimumBytes: (int)CloudinaryGatewayFixture.MaxDocumentBytes + 1024);

        var (response, _) = await Client.SendAsync(id, tooLarge);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large");
        Assert.Empty(gateway.Factory.StagedFiles);
        var (_, info) = await Client.InfoAsync(id);
        Assert.Equal("pending", info.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_declaring_a_length_over_the_limit_is_refused_with_413_before_its_body_is_read(bool raw)
    {
        var id = await Client.CreateIdAsync();
        var path = $"{UploadProxyClient.BasePath}/send/{id}";
        // Past the limit and past the 64 KB it allows a multipart body for its other fields.
        using var body = GeneratedPdfContent.Body(CloudinaryGatewayFixture.MaxDocumentBytes + (1024 * 1024), declareLength: true, raw);

        var response = await Client.Http.PostAsync(path, body);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large");
        Assert.Equal(0, gateway.BodyMeter.BytesRead(path));
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_of_a_body_of_unknown_length_over_the_limit_is_refused_with_413_reading_no_further_than_the_limit(bool raw)
    {
        var id = await Client.CreateIdAsync();
        var path = $"{UploadProxyClient.BasePath}/send/{id}";
        // Sent in chunks: without that, the in-process client would buffer the body to give it a length.
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = GeneratedPdfContent.Body(CloudinaryGatewayFixture.MaxDocumentBytes + (4 * 1024 * 1024), declareLength: false, raw),
        };
        request.Headers.TransferEncodingChunked = true;

        var response = await Client.Http.SendAsync(request);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large");
        // The gateway reads 64 KB at a time, and a multipart part has its headers: the read stops within 128 KB past the limit.
        Assert.InRange(gateway.BodyMeter.BytesRead(path), CloudinaryGatewayFixture.MaxDocumentBytes, CloudinaryGatewayFixture.MaxDocumentBytes + (128 * 1024));
        Assert.Empty(gateway.Factory.StagedFiles);
        var (_, info) = await Client.InfoAsync(id);
        Assert.Equal("pending", info.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Send_without_a_file_part_is_an_invalid_request()
    {
        var id = await Client.CreateIdAsync();
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "comment" } };

        var response = await Client.Http.PostAsync($"{UploadProxyClient.BasePath}/send/{id}", form);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Send_of_a_malformed_multipart_body_is_an_invalid_request()
    {
        var id = await Client.CreateIdAsync();
        using var content = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.4 cut short");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        var response = await Client.Http.PostAsync($"{UploadProxyClient.BasePath}/send/{id}", content);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Theory]
    [InlineData("scans/..")]
    [InlineData("scan\u0007.pdf")]
    public async Task Send_refuses_a_multipart_file_name_of_a_folder_or_with_control_characters(string fileName)
    {
        var id = await Client.CreateIdAsync();

        var (response, _) = await Client.SendAsync(id, SamplePdf.Create(), fileName);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("C:\\scans\\scan-0042.pdf")]
    [InlineData("../../scans/scan-0042.pdf")]
    public async Task Send_keeps_only_the_last_segment_of_a_multipart_file_name_with_path_parts(string fileName)
    {
        var id = await Client.CreateIdAsync();

        var (response, session) = await Client.SendAsync(id, SamplePdf.Create(seed: 42), fileName);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("scan-0042.pdf", session.GetProperty("filename").GetString());
        Assert.EndsWith("-scan-0042.pdf", session.GetProperty("storage").GetProperty("public_id").GetString());
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-an-id")]
    [InlineData("%2e%2e%2fetc")]
    public async Task Send_and_info_of_an_unknown_or_malformed_id_are_not_found(string id)
    {
        var (send, _) = await Client.SendAsync(id, SamplePdf.Create());
        var (info, _) = await Client.InfoAsync(id);

        await Problems.AssertAsync(send, HttpStatusCode.NotFound, "session_not_found");
        await Problems.AssertAsync(info, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Send_with_prefer_respond_async_answers_202_and_info_later_shows_the_url()
    {
        var id = await Client.CreateIdAsync();
        gateway.Cloudinary.Latency = TimeSpan.FromMilliseconds(300);
        try
        {
            var (response, session) = await Client.SendAsync(id, SamplePdf.Create(seed: 7), respondAsync: true);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("uploading", session.GetProperty("status").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("url").ValueKind);
            var done = await Client.WaitForStatusAsync(id, s => s != "uploading", TimeSpan.FromSeconds(20));
            Assert.Equal("uploaded", done.GetProperty("status").GetString());
            Assert.StartsWith(gateway.Cloudinary.UploadPrefix.ToString().TrimEnd('/'), done.GetProperty("url").GetString());
        }
        finally
        {
            gateway.Cloudinary.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Send_with_a_length_other_than_the_declared_one_is_an_invalid_request()
    {
        var pdf = SamplePdf.Create(seed: 8);
        var id = await Client.CreateIdAsync(new { content_length = pdf.Length + 1 });

        var (response, _) = await Client.SendAsync(id, pdf);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Transient_cloudinary_failures_are_retried_until_the_document_is_stored()
    {
        var id = await Client.CreateIdAsync();
        gateway.Cloudinary.FailNext(4, 500);

        var (response, session) = await Client.SendAsync(id, SamplePdf.Create(seed: 9));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("uploaded", session.GetProperty("status").GetString());
        Assert.True(session.GetProperty("attempts").GetInt32() > 1);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("error").ValueKind);
        Assert.Equal(1, gateway.Cloudinary.Find(session.GetProperty("storage").GetProperty("public_id").GetString()!)?.UploadCount);
    }

    [Fact]
    public async Task A_document_cloudinary_refuses_ends_failed_with_its_message()
    {
        var id = await Client.CreateIdAsync();
        gateway.Cloudinary.FailNext(1, 400, "Invalid image file");

        var (response, _) = await Client.SendAsync(id, SamplePdf.Create(seed: 10));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadGateway, "upload_failed");
        Assert.Contains("Invalid image file", problem.GetProperty("detail").GetString());
        var (_, info) = await Client.InfoAsync(id);
        Assert.Equal("failed", info.GetProperty("status").GetString());
        Assert.Equal("cloudinary_rejected", info.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("Invalid image file", info.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task A_document_over_the_chunk_threshold_is_stored_whole_through_chunked_upload()
    {
        var id = await Client.CreateIdAsync(new { filename = "large.pdf" });
        var pdf = SamplePdf.Create(minimumBytes: 12 * 1024 * 1024, seed: 11);
        var requestsBefore = gateway.Cloudinary.UploadRequests;

        var (response, session) = await Client.SendAsync(id, pdf);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var asset = gateway.Cloudinary.Find(session.GetProperty("storage").GetProperty("public_id").GetString()!);
        Assert.Equal(SamplePdf.Sha256(pdf), asset?.Sha256);
        Assert.Equal(pdf.Length, asset?.Bytes);
        Assert.Equal(1, asset?.UploadCount);
        Assert.Equal(3, gateway.Cloudinary.UploadRequests - requestsBefore);
    }
}
