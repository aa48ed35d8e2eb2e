using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace UploadProxy.Tests.Support;

/// <summary>What an OCR client does: the three routes of the contract, reading answers as plain JSON.</summary>
public sealed class UploadProxyClient(HttpClient http)
{
    public const string BasePath = "/api/notion/upload-proxy";

    public HttpClient Http => http;

    public async Task<(HttpResponseMessage Response, JsonElement Body)> CreateAsync(object? body = null)
    {
        var response = body is null
            ? await http.PostAsync($"{BasePath}/create", content: null)
            : await http.PostAsJsonAsync($"{BasePath}/create", body);
        return (response, await ReadAsync(response));
    }

    public async Task<string> CreateIdAsync(object? body = null)
    {
        var (response, json) = await CreateAsync(body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return json.GetProperty("id").GetString()!;
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(
        string id, byte[] document, string? fileName = "scan-0001.pdf", bool respondAsync = false, bool raw = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{BasePath}/send/{id}");
        if (raw)
        {
            request.Content = new ByteArrayContent(document);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        }
        else
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(document);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            if (fileName is null)
            {
                form.Add(file, "file");
            }
            else
            {
                form.Add(file, "file", fileName);
            }

            request.Content = form;
        }

        if (respondAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        var response = await http.SendAsync(request);
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> InfoAsync(string id)
    {
        var response = await http.GetAsync($"{BasePath}/info/{id}");
        return (response, await ReadAsync(response));
    }

    /// <summary>Polls info until the session's status satisfies <paramref name="done"/>; fails the test at the deadline.</summary>
    public Task<JsonElement> WaitForStatusAsync(string id, Func<string, bool> done, TimeSpan timeout) =>
        Eventually.UntilAsync(
            $"session {id} to reach the awaited status",
            async () => (await InfoAsync(id)).Body,
            body => body.ValueKind == JsonValueKind.Object && done(body.GetProperty("status").GetString()!),
            timeout);

    /// <summary>Polls info until the session object satisfies <paramref name="done"/>; fails the test at the deadline.</summary>
    public Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done, TimeSpan timeout) =>
        Eventually.UntilAsync(
            $"session {id} to reach the awaited state",
            async () => (await InfoAsync(id)).Body,
            body => body.ValueKind == JsonValueKind.Object && done(body),
            timeout,
            body => body.ToString());

    /// <summary>Polls info until the session's Notion link has <paramref name="notionStatus"/>; fails the test at the deadline.</summary>
    public Task<JsonElement> WaitForNotionStatusAsync(string id, string notionStatus, TimeSpan timeout) =>
        Eventually.UntilAsync(
            $"session {id} to reach notion.status {notionStatus}",
            async () => (await InfoAsync(id)).Body,
            body => body.ValueKind == JsonValueKind.Object && body.GetProperty("notion").GetProperty("status").GetString() == notionStatus,
            timeout);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
