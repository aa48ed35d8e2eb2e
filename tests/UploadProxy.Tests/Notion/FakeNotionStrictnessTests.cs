using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>The fake refuses what Notion refuses, so the product cannot pass against it by a mistake Notion would catch.</summary>
public sealed class FakeNotionStrictnessTests
{
    [Fact]
    public async Task A_body_that_does_not_say_it_is_json_is_refused()
    {
        await using var notion = await FakeNotionServer.StartAsync();
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        using var http = Client(notion);
        var body = "{\"parent\":{\"database_id\":\"" + database + "\"},\"properties\":{\"Name\":{\"title\":[{\"text\":{\"content\":\"a.pdf\"}}]}}}";

        using var plain = await http.PostAsync("v1/pages", new StringContent(body, Encoding.UTF8, "text/plain"));
        using var json = await http.PostAsync("v1/pages", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("\"invalid_request\"", await plain.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Single(notion.Pages);
    }

    [Fact]
    public async Task Past_the_rate_the_answer_is_429_with_the_configured_retry_after()
    {
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 0.1, Burst = 1, RateLimitRetryAfter = TimeSpan.FromSeconds(7) });
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        using var http = Client(notion);

        using var first = await http.GetAsync($"v1/databases/{database}");
        using var second = await http.GetAsync($"v1/databases/{database}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), second.Headers.RetryAfter?.Delta);
    }

    private static HttpClient Client(FakeNotionServer notion)
    {
        var http = new HttpClient { BaseAddress = notion.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", notion.Token);
        http.DefaultRequestHeaders.Add("Notion-Version", "2022-06-28");
        return http;
    }
}
