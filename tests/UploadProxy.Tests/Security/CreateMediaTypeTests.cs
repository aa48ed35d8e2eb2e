using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary><c>create</c> takes a body only as <c>application/json</c>, the type a form of another site cannot send.</summary>
public sealed class CreateMediaTypeTests(KeylessGatewayFixture gateway) : IClassFixture<KeylessGatewayFixture>
{
    private const string Body = """{"filename":"typed.pdf"}""";

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_body_of_another_type_is_refused_with_415_unsupported_media_type(string contentType)
    {
        using var content = new StringContent(Body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var response = await gateway.Factory.CreateClient().PostAsync($"{UploadProxyClient.BasePath}/create", content);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_refused_with_415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body));

        var response = await gateway.Factory.CreateClient().PostAsync($"{UploadProxyClient.BasePath}/create", content);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    public async Task Json_with_or_without_a_charset_opens_the_session(string contentType)
    {
        using var content = new StringContent(Body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var response = await gateway.Factory.CreateClient().PostAsync($"{UploadProxyClient.BasePath}/create", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task No_body_at_all_still_opens_a_session_with_defaults()
    {
        var response = await gateway.Factory.CreateClient().PostAsync($"{UploadProxyClient.BasePath}/create", content: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
