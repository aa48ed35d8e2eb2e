using System.Net;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

/// <summary>Uploads signed and filed the way the official SDKs send them, on either kind of account.</summary>
public sealed class CloudinaryRequestTests
{
    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    public async Task Send_stores_the_document_on_an_account_that_verifies_signatures_with(string algorithm)
    {
        await using var gateway = await CloudinaryGateway.StartAsync(new FakeCloudinaryOptions { SignatureAlgorithm = algorithm });
        var id = await gateway.Client.CreateIdAsync(new { filename = "signed.pdf" });
        var pdf = SamplePdf.Create(seed: 21);

        var (response, session) = await gateway.Client.SendAsync(id, pdf);

        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{response.StatusCode}: {session}");
        Assert.Equal("uploaded", session.GetProperty("status").GetString());
        var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
        Assert.Equal(SamplePdf.Sha256(pdf), gateway.Cloudinary.Find(publicId)?.Sha256);
        Assert.Empty(gateway.Cloudinary.Rejections);
    }

    [Fact]
    public async Task Documents_are_filed_in_the_media_library_folder_dashboard_documents()
    {
        await using var gateway = await CloudinaryGateway.StartAsync();
        var id = await gateway.Client.CreateIdAsync(new { filename = "filed.pdf" });

        var (response, session) = await gateway.Client.SendAsync(id, SamplePdf.Create(seed: 22));

        Assert.True(HttpStatusCode.OK == response.StatusCode, $"{response.StatusCode}: {session}");
        var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
        Assert.StartsWith("dashboard-documents/", publicId, StringComparison.Ordinal);
        Assert.Equal("dashboard-documents", gateway.Cloudinary.Find(publicId)?.AssetFolder);
    }
}
