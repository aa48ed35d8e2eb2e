using System.Net;
using System.Text;
using System.Text.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary><c>Idempotency-Key</c> on <c>create</c>: the same key and body answer one session for 24 h.</summary>
[Collection(ContractCollection.Name)]
public sealed class IdempotencyKeyTests(ContractGatewayFixture gateway)
{
    private const string Body = """{"filename": "retried.pdf", "batch_id": "idempotency"}""";

    [Fact]
    public async Task The_same_key_and_body_answer_the_same_session()
    {
        var key = NewKey();

        var first = await CreateAsync(key, Body);
        var again = await CreateAsync(key, Body);

        Assert.Equal(HttpStatusCode.Created, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.Response.StatusCode);
        Assert.Equal(Id(first.Session), Id(again.Session));
        Assert.Equal(first.Response.Headers.Location, again.Response.Headers.Location);
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_answer_one_session()
    {
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CreateAsync(key, Body)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Response.StatusCode));
        Assert.Single(answers.Select(a => Id(a.Session)).Distinct());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_idempotency_key_reused()
    {
        var key = NewKey();
        await CreateAsync(key, Body);

        var (response, _) = await CreateAsync(key, """{"filename": "other.pdf"}""");

        await Problems.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Without_a_key_every_create_opens_a_new_session()
    {
        var first = await CreateAsync(key: null, Body);
        var second = await CreateAsync(key: null, Body);

        Assert.NotEqual(Id(first.Session), Id(second.Session));
    }

    [Fact]
    public async Task After_24_hours_the_key_opens_a_new_session()
    {
        var key = NewKey();
        var first = await CreateAsync(key, Body);
        gateway.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        var withinADay = await CreateAsync(key, Body);

        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        var nextDay = await CreateAsync(key, """{"filename": "other.pdf"}""");

        Assert.Equal(Id(first.Session), Id(withinADay.Session));
        Assert.Equal(HttpStatusCode.Created, nextDay.Response.StatusCode);
        Assert.NotEqual(Id(first.Session), Id(nextDay.Session));
    }

    private async Task<(HttpResponseMessage Response, JsonElement Session)> CreateAsync(string? key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{UploadProxyClient.BasePath}/create")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await gateway.Client.Http.SendAsync(request);
        return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string NewKey() => $"key-{Guid.NewGuid()}";

    private static string? Id(JsonElement session) => session.GetProperty("id").GetString();
}
