using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using UploadProxy.Fakes;
using UploadProxy.Integrations.Cloudinary;

namespace UploadProxy.Tests.Cloudinary;

/// <summary>The fake refuses what Cloudinary refuses, so that a product bug shows up as a failed test, not a pass.</summary>
public sealed class FakeCloudinaryStrictnessTests : IAsyncLifetime
{
    private const int ChunkBytes = 5 * 1024 * 1024;

    private static readonly HttpClient Http = new();

    private FakeCloudinaryServer _cloudinary = null!;

    public async Task InitializeAsync() => _cloudinary = await FakeCloudinaryServer.StartAsync();

    public async Task DisposeAsync() => await _cloudinary.DisposeAsync();

    private Uri At(string path) => new(_cloudinary.UploadPrefix, path);

    [Fact]
    public async Task A_signed_signature_algorithm_field_makes_the_signature_invalid()
    {
        var response = await UploadAsync(new() { ["public_id"] = "dashboard-documents/a.pdf", ["signature_algorithm"] = "sha1" }, new byte[1024]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Invalid Signature", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_cloudinary.Assets);
    }

    [Fact]
    public async Task The_chunks_of_one_file_must_name_the_same_public_id()
    {
        var uploadId = Guid.NewGuid().ToString("N");
        var total = ChunkBytes + 1024;

        var first = await UploadAsync(new() { ["public_id"] = "dashboard-documents/first.pdf" }, new byte[ChunkBytes], uploadId, 0, total);
        var second = await UploadAsync(new() { ["public_id"] = "dashboard-documents/second.pdf" }, new byte[1024], uploadId, ChunkBytes, total);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var progress = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        Assert.False(progress.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal(ChunkBytes, progress.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("differ", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_cloudinary.Assets);
    }

    [Fact]
    public async Task The_admin_api_needs_basic_auth_and_answers_bytes_and_the_md5_etag()
    {
        var content = Encoding.ASCII.GetBytes("%PDF-1.4 looked up");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(new() { ["public_id"] = "dashboard-documents/looked-up.pdf" }, content)).StatusCode);
        var path = At($"/v1_1/{_cloudinary.CloudName}/resources/raw/upload/dashboard-documents/looked-up.pdf");

        var anonymous = await Http.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_cloudinary.ApiKey}:{_cloudinary.ApiSecret}")));
        var found = await Http.SendAsync(request);
        using var missingRequest = new HttpRequestMessage(HttpMethod.Get, At($"/v1_1/{_cloudinary.CloudName}/resources/raw/upload/dashboard-documents/absent.pdf"));
        missingRequest.Headers.Authorization = request.Headers.Authorization;
        var missing = await Http.SendAsync(missingRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        using var asset = JsonDocument.Parse(await found.Content.ReadAsStringAsync());
        Assert.Equal(content.Length, asset.RootElement.GetProperty("bytes").GetInt64());
#pragma warning disable CA5351 // Cloudinary's etag is an MD5.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content)), asset.RootElement.GetProperty("etag").GetString());
#pragma warning restore CA5351
        Assert.True(found.Headers.Contains("X-FeatureRateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<HttpResponseMessage> UploadAsync(
        Dictionary<string, string> parameters, byte[] file, string? uploadId = null, long start = 0, long total = 0)
    {
        parameters["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = CloudinarySignature.Sign(parameters, _cloudinary.ApiSecret, "sha1");
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in parameters)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new StringContent(_cloudinary.ApiKey), "api_key");
        form.Add(new StringContent(signature), "signature");
        form.Add(new ByteArrayContent(file), "file", "scan.pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, At($"/v1_1/{_cloudinary.CloudName}/raw/upload")) { Content = form };
        if (uploadId is not null)
        {
            request.Headers.Add("X-Unique-Upload-Id", uploadId);
            form.Headers.ContentRange = new ContentRangeHeaderValue(start, start + file.Length - 1, total);
        }

        return await Http.SendAsync(request);
    }
}
