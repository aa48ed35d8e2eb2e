using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>Without keys only loopback host names are served (DNS rebinding); with keys, <c>Gateway:AllowedHosts</c>.</summary>
public sealed class HostFilterTests(KeylessGatewayFixture keyless, KeyedGatewayFixture keyed)
    : IClassFixture<KeylessGatewayFixture>, IClassFixture<KeyedGatewayFixture>
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]:5000")]
    [InlineData("dashboard.localhost")]
    public async Task Without_keys_a_loopback_host_name_is_served(string host)
    {
        using var client = keyless.ClientFor(host);

        var response = await client.GetAsync("/api/batches");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/batches")]
    [InlineData("/")]
    [InlineData("/orleans")]
    public async Task Without_keys_a_foreign_host_name_is_refused_with_400_naming_the_rule(string path)
    {
        using var client = keyless.ClientFor("rebound.attacker.example");

        var response = await client.GetAsync(path);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("loopback host names only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_pass_whatever_their_host()
    {
        using var client = keyless.ClientFor("10.1.2.3:8080");

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(KeyedGatewayFixture.Host)]
    [InlineData("UPLOADS.example.com:8443")]
    [InlineData("eu.corp.example")]
    public async Task With_keys_a_host_of_the_allowed_list_is_served(string host)
    {
        using var client = keyed.ClientFor(KeyedGatewayFixture.WriteKey, host);

        var response = await client.GetAsync("/api/batches");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("corp.example")]
    [InlineData("uploads.example.com.attacker.example")]
    public async Task With_keys_a_host_off_the_allowed_list_is_refused_with_400(string host)
    {
        using var client = keyed.ClientFor(KeyedGatewayFixture.WriteKey, host);

        var response = await client.GetAsync("/api/batches");

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("Gateway:AllowedHosts", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
