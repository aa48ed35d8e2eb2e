using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>A locally stored document's URL is made from <c>Standalone:PublicBaseUrl</c>, never from the request's <c>Host</c>.</summary>
[Collection(ContractCollection.Name)]
public sealed class LocalDocumentUrlTests(ContractGatewayFixture gateway)
{
    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task The_document_url_is_on_the_public_base_url_whatever_host_a_client_sends()
    {
        var id = await Client.CreateIdAsync(new { filename = "host.pdf" });
        var (sent, session) = await Client.SendAsync(id, SamplePdf.Create(seed: 80));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);

        var urls = new List<string?>();
        // Hosts the keyless gateway serves (any other is refused by the host filter), each unlike the public base URL.
        foreach (var host in new[] { "uploadproxy.localhost", "localhost:8080", "127.0.0.1", "[::1]:9999" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{UploadProxyClient.BasePath}/info/{id}");
            request.Headers.Host = host;
            var response = await Client.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var info = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            urls.Add(info.GetProperty("url").GetString());
        }

        var url = session.GetProperty("url").GetString()!;
        Assert.StartsWith($"{ContractGatewayFixture.PublicBaseUrl}/documents/dashboard-documents/", url, StringComparison.Ordinal);
        Assert.All(urls, u => Assert.Equal(url, u));
        Assert.Equal(url, session.GetProperty("storage").GetProperty("secure_url").GetString());
        var served = await Client.Http.GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}

/// <summary>Without <c>Standalone:PublicBaseUrl</c>, local document URLs are on the first address the gateway was told to listen on.</summary>
public sealed class DefaultPublicBaseUrlTests
{
    [Fact]
    public async Task Without_a_public_base_url_the_document_url_is_on_the_first_listen_address()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["urls"] = "http://127.0.0.1:5123;http://localhost:5124";
        await using var factory = new GatewayFactory(settings);
        var client = new UploadProxyClient(factory.CreateClient());
        var id = await client.CreateIdAsync(new { filename = "default.pdf" });

        var (_, session) = await client.SendAsync(id, SamplePdf.Create(seed: 81));

        Assert.StartsWith("http://127.0.0.1:5123/documents/dashboard-documents/", session.GetProperty("url").GetString(), StringComparison.Ordinal);
    }
}
