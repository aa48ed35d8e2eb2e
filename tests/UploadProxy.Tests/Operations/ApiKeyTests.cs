using System.Net;
using System.Net.Http.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

public sealed class ApiKeyFixture : IAsyncLifetime
{
    public const string Key = "test-key-one";
    public const string OtherKey = "test-key-two";

    public GatewayFactory Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = Key;
        settings["Gateway:ApiKeys:1"] = OtherKey;
        Factory = new GatewayFactory(settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class ApiKeyTests(ApiKeyFixture gateway) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task Without_a_key_the_api_answers_401_unauthorized()
    {
        var response = await gateway.Factory.CreateClient().PostAsync($"{UploadProxyClient.BasePath}/create", content: null);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Orleans_dashboard_of_the_cluster_needs_a_key_too()
    {
        using var client = gateway.Factory.CreateClient();

        var withoutKey = await client.GetAsync("/orleans");
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKeyFixture.Key);
        var withKey = await client.GetAsync("/orleans");

        await Problems.AssertAsync(withoutKey, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal("text/html", withKey.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_key_answers_401()
    {
        using var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKeyFixture.Key + "x");

        var response = await client.GetAsync("/api/batches");

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + ApiKeyFixture.Key)]
    [InlineData("X-Api-Key", ApiKeyFixture.OtherKey)]
    public async Task A_configured_key_is_accepted_as_bearer_or_x_api_key(string header, string value)
    {
        using var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.Add(header, value);

        var response = await client.PostAsJsonAsync($"{UploadProxyClient.BasePath}/create", new { filename = "keyed.pdf" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    public async Task Health_the_openapi_document_and_the_dashboard_page_need_no_key(string path)
    {
        var response = await gateway.Factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
