using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>What ASP.NET Core answers by itself (routing, binding) is a problem of the contract's table on /api.</summary>
[Collection(ContractCollection.Name)]
public sealed class RouteAnswersTests(ContractGatewayFixture gateway)
{
    private HttpClient Http => gateway.Client.Http;

    [Fact]
    public async Task A_known_route_with_another_method_is_405_method_not_allowed_with_allow()
    {
        var response = await Http.GetAsync($"{UploadProxyClient.BasePath}/create");

        await Problems.AssertAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task An_unknown_api_route_is_404_not_found()
    {
        var response = await Http.GetAsync("/api/no-such-route");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_last_event_id_that_is_not_a_number_is_an_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/batches/some-batch/events");
        request.Headers.Add("Last-Event-ID", "abc");

        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task The_dashboard_is_served_as_before()
    {
        var response = await Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
