using System.Net;
using System.Text;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Gateway;

public sealed class CreateSessionTests(CloudinaryGatewayFixture gateway) : IClassFixture<CloudinaryGatewayFixture>
{
    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task Create_without_a_body_opens_a_pending_session()
    {
        var (response, session) = await Client.CreateAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = session.GetProperty("id").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.Equal($"{UploadProxyClient.BasePath}/info/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("upload_session", session.GetProperty("object").GetString());
        Assert.Equal("pending", session.GetProperty("status").GetString());
        Assert.Equal("application/pdf", session.GetProperty("content_type").GetString());
        Assert.Equal($"{UploadProxyClient.BasePath}/send/{id}", session.GetProperty("upload_url").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("url").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("sha256").ValueKind);
        Assert.Equal("disabled", session.GetProperty("notion").GetProperty("status").GetString());
        Assert.True(session.GetProperty("expiry_time").GetDateTimeOffset() > session.GetProperty("created_time").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_keeps_the_details_the_caller_gives()
    {
        var (_, session) = await Client.CreateAsync(new
        {
            filename = "scan-0001.pdf",
            content_length = 1234,
            batch_id = "ocr-2026-11-26",
            metadata = new Dictionary<string, string> { ["source"] = "scanner-3" },
        });

        Assert.Equal("scan-0001.pdf", session.GetProperty("filename").GetString());
        Assert.Equal(1234, session.GetProperty("content_length").GetInt64());
        Assert.Equal("ocr-2026-11-26", session.GetProperty("batch_id").GetString());
        Assert.Equal("scanner-3", session.GetProperty("metadata").GetProperty("source").GetString());
    }

    [Fact]
    public async Task Two_creates_get_different_ids()
    {
        Assert.NotEqual(await Client.CreateIdAsync(), await Client.CreateIdAsync());
    }

    [Fact]
    public async Task Create_with_malformed_json_is_an_invalid_request()
    {
        var response = await Client.Http.PostAsync($"{UploadProxyClient.BasePath}/create",
            new StringContent("{\"filename\": ", Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("folder/")]
    [InlineData("scan\u0001.pdf")]
    [InlineData("")]
    public async Task Create_refuses_file_names_of_folders_or_with_control_characters(string fileName)
    {
        var (response, _) = await Client.CreateAsync(new { filename = fileName });

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("../secret.pdf")]
    [InlineData("folder/secret.pdf")]
    [InlineData("C:\\scans\\secret.pdf")]
    public async Task Create_keeps_only_the_last_segment_of_a_file_name_with_path_parts(string fileName)
    {
        var (response, session) = await Client.CreateAsync(new { filename = fileName });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("secret.pdf", session.GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Create_refuses_a_300_character_file_name()
    {
        var (response, _) = await Client.CreateAsync(new { filename = new string('a', 296) + ".pdf" });

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_refuses_more_than_20_metadata_entries()
    {
        var metadata = Enumerable.Range(0, 21).ToDictionary(i => $"key{i}", i => "value");

        var (response, _) = await Client.CreateAsync(new { metadata });

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_refuses_a_content_type_other_than_pdf()
    {
        var (response, _) = await Client.CreateAsync(new { content_type = "image/png" });

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Create_refuses_a_declared_length_over_the_limit()
    {
        var (response, _) = await Client.CreateAsync(new { content_length = CloudinaryGatewayFixture.MaxDocumentBytes + 1 });

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large");
    }
}
