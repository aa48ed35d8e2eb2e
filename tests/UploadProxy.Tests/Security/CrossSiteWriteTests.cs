using System.Net;
using System.Net.Http.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>A page of another site cannot write through a keyless gateway on this machine (<c>Sec-Fetch-Site</c>).</summary>
public sealed class CrossSiteWriteTests(KeylessGatewayFixture gateway) : IClassFixture<KeylessGatewayFixture>
{
    [Fact]
    public async Task A_cross_site_create_without_a_key_is_refused_with_403_forbidden()
    {
        using var request = Create("cross-site");

        var response = await gateway.Factory.CreateClient().SendAsync(request);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_cross_site_send_without_a_key_is_refused_with_403_before_its_body_is_read()
    {
        var client = new UploadProxyClient(gateway.Factory.CreateClient());
        var id = await client.CreateIdAsync(new { filename = "cross-site.pdf" });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{UploadProxyClient.BasePath}/send/{id}")
        {
            Content = new ByteArrayContent(SamplePdf.Create()) { Headers = { ContentType = new("application/pdf") } },
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await client.Http.SendAsync(request);
        var (_, session) = await client.InfoAsync(id);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("pending", session.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("same-site")]
    [InlineData("none")]
    public async Task A_same_origin_same_site_or_typed_create_passes(string site)
    {
        using var request = Create(site);

        var response = await gateway.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_read_passes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/batches");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await gateway.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Create(string site)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{UploadProxyClient.BasePath}/create")
        {
            Content = JsonContent.Create(new { filename = "from-a-page.pdf" }),
        };
        request.Headers.Add("Sec-Fetch-Site", site);
        return request;
    }
}
