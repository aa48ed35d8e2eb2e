using System.Globalization;
using System.Net;
using System.Text.Json;
using UploadProxy.Tests.Gateway;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

public sealed class BatchesTests(CloudinaryGatewayFixture gateway) : IClassFixture<CloudinaryGatewayFixture>
{
    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task A_batch_counts_its_sessions_by_status_and_lists_their_urls()
    {
        var batch = $"batch-{Guid.NewGuid():N}";
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await Client.CreateIdAsync(new { filename = $"page-{i}.pdf", batch_id = batch });
            await Client.SendAsync(id, SamplePdf.Create(seed: 500 + i));
            sent.Add(id);
        }

        var pending = await Client.CreateIdAsync(new { filename = "later.pdf", batch_id = batch });
        var summary = await WaitForBatchAsync(batch, b => b.GetProperty("counts").GetProperty("uploaded").GetInt32() == 3);

        Assert.Equal("batch", summary.GetProperty("object").GetString());
        Assert.Equal(4, summary.GetProperty("total").GetInt32());
        Assert.Equal(1, summary.GetProperty("counts").GetProperty("pending").GetInt32());
        var sessions = summary.GetProperty("sessions").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        foreach (var id in sent)
        {
            var (_, info) = await Client.InfoAsync(id);
            Assert.Equal(info.GetProperty("url").GetString(), sessions[id].GetProperty("url").GetString());
            Assert.Equal("uploaded", sessions[id].GetProperty("status").GetString());
        }

        Assert.Equal(JsonValueKind.Null, sessions[pending].GetProperty("url").ValueKind);
    }

    [Fact]
    public async Task An_unknown_batch_is_not_found()
    {
        var response = await Client.Http.GetAsync("/api/batches/never-created");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "batch_not_found");
    }

    [Fact]
    public async Task The_event_stream_sends_one_event_per_change_and_resumes_after_the_last_event_id()
    {
        var batch = $"events-{Guid.NewGuid():N}";
        var first = await Client.CreateIdAsync(new { filename = "live.pdf", batch_id = batch });
        var (sent, _) = await Client.SendAsync(first, SamplePdf.Create(seed: 600));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var second = await Client.CreateIdAsync(new { filename = "second.pdf", batch_id = batch });

        // Every change is made before the stream is read, and the stream is read past the first session's last change
        // up to the second session's first: a change reported or sent twice shows up as an event too many.
        var events = await ReadEventsAsync(batch, lastEventId: null, until: SeenBoth(first, second));
        var ids = events.Select(e => e.Id).ToList();

        Assert.All(events, e => Assert.Equal("session", e.Type));
        Assert.Equal(["pending", "uploading", "uploaded"], events.Where(e => SessionOf(e) == first).Select(StatusOf));
        Assert.Equal(["pending"], events.Where(e => SessionOf(e) == second).Select(StatusOf));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Order(), ids);

        // Resuming after the first session's last event gives exactly the events that followed it, once each.
        var lastOfFirst = events.Last(e => SessionOf(e) == first);
        var resumed = await ReadEventsAsync(batch, lastEventId: lastOfFirst.Id.ToString(CultureInfo.InvariantCulture), until: e => SessionOf(e) == second);

        Assert.Equal(
            events.Where(e => e.Id > lastOfFirst.Id).Select(e => (e.Id, SessionOf(e), StatusOf(e))),
            resumed.Select(e => (e.Id, SessionOf(e), StatusOf(e))));
    }

    [Fact]
    public async Task A_large_batch_pages_through_every_session_once_in_the_order_they_were_created()
    {
        var batch = $"paged-{Guid.NewGuid():N}";
        var created = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            created.Add(await Client.CreateIdAsync(new { filename = $"paged-{i:D3}.pdf", batch_id = batch }));
        }

        await WaitForBatchAsync(batch, b => b.GetProperty("total").GetInt32() == created.Count);
        var pages = await ReadPagesAsync(batch, "limit=100");

        Assert.Equal([100, 100, 50], pages.Select(p => p.GetProperty("sessions").GetArrayLength()));
        Assert.Equal(created, pages.SelectMany(p => p.GetProperty("sessions").EnumerateArray()).Select(s => s.GetProperty("id").GetString()));
        Assert.All(pages, p => Assert.Equal(250, p.GetProperty("total").GetInt32()));
        Assert.All(pages, p => Assert.Equal(250, p.GetProperty("counts").GetProperty("pending").GetInt32()));
        Assert.Equal(JsonValueKind.Null, pages[^1].GetProperty("next_cursor").ValueKind);

        // Without a limit, a page holds 100 sessions.
        var first = await GetBatchAsync($"/api/batches/{batch}");
        Assert.Equal(created.Take(100), first.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_status_filter_pages_through_the_sessions_in_that_status_while_the_counts_stay_whole()
    {
        var batch = $"filtered-{Guid.NewGuid():N}";
        var uploaded = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await Client.CreateIdAsync(new { filename = $"filtered-{i}.pdf", batch_id = batch });
            if (i % 2 == 0)
            {
                await Client.SendAsync(id, SamplePdf.Create(seed: 700 + i));
                uploaded.Add(id);
            }
        }

        await WaitForBatchAsync(batch, b => b.GetProperty("total").GetInt32() == 5 && b.GetProperty("counts").GetProperty("uploaded").GetInt32() == 3);
        var pages = await ReadPagesAsync(batch, "status=uploaded&limit=2");

        Assert.Equal([2, 1], pages.Select(p => p.GetProperty("sessions").GetArrayLength()));
        Assert.Equal(uploaded, pages.SelectMany(p => p.GetProperty("sessions").EnumerateArray()).Select(s => s.GetProperty("id").GetString()));
        Assert.All(pages.SelectMany(p => p.GetProperty("sessions").EnumerateArray()), s => Assert.Equal("uploaded", s.GetProperty("status").GetString()));
        Assert.All(pages, p => Assert.Equal(5, p.GetProperty("total").GetInt32()));
        Assert.All(pages, p => Assert.Equal(2, p.GetProperty("counts").GetProperty("pending").GetInt32()));

        var none = await GetBatchAsync($"/api/batches/{batch}?status=failed");
        Assert.Equal(0, none.GetProperty("sessions").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("status=done")]
    [InlineData("status=Pending")]
    [InlineData("status=1")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=many")]
    [InlineData("cursor=-5")]
    [InlineData("cursor=abc")]
    public async Task A_bad_page_query_is_an_invalid_request(string query)
    {
        var batch = $"queried-{Guid.NewGuid():N}";
        await Client.CreateIdAsync(new { filename = "queried.pdf", batch_id = batch });
        await WaitForBatchAsync(batch, b => b.GetProperty("total").GetInt32() == 1);

        var response = await Client.Http.GetAsync($"/api/batches/{batch}?{query}");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    /// <summary>Follows <c>next_cursor</c> from the first page to the last; fails on a cursor that repeats.</summary>
    private async Task<List<JsonElement>> ReadPagesAsync(string batch, string query)
    {
        var pages = new List<JsonElement>();
        var seen = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await GetBatchAsync($"/api/batches/{batch}?{query}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            pages.Add(page);
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.True(cursor is null || seen.Add(cursor), $"The cursor {cursor} came back twice.");
        }
        while (cursor is not null);

        return pages;
    }

    private async Task<JsonElement> GetBatchAsync(string path)
    {
        var response = await Client.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string SessionOf((long Id, string Type, string Data) e) =>
        JsonDocument.Parse(e.Data).RootElement.GetProperty("session").GetProperty("id").GetString()!;

    private static string StatusOf((long Id, string Type, string Data) e) =>
        JsonDocument.Parse(e.Data).RootElement.GetProperty("session").GetProperty("status").GetString()!;

    private static Func<(long Id, string Type, string Data), bool> SeenBoth(string first, string second)
    {
        var (firstDone, secondSeen) = (false, false);
        return e =>
        {
            firstDone |= SessionOf(e) == first && StatusOf(e) == "uploaded";
            secondSeen |= SessionOf(e) == second;
            return firstDone && secondSeen;
        };
    }

    private Task<JsonElement> WaitForBatchAsync(string batch, Func<JsonElement, bool> done) =>
        Eventually.UntilAsync(
            $"batch {batch} to reach the awaited counts",
            async () =>
            {
                var response = await Client.Http.GetAsync($"/api/batches/{batch}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            },
            body => body.ValueKind == JsonValueKind.Object && done(body),
            TimeSpan.FromSeconds(60));

    /// <summary>Reads the stream until <paramref name="until"/> holds for an event; fails the test if it never does.</summary>
    private async Task<List<(long Id, string Type, string Data)>> ReadEventsAsync(string batch, string? lastEventId, Func<(long Id, string Type, string Data), bool> until)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/batches/{batch}/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var events = new List<(long Id, string Type, string Data)>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await ReadEventsAsync(request, events, until, patience.Token);
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException($"The event stream of {batch} did not send the awaited event within 60 s. Received: {string.Join(" | ", events)}");
        }
    }

    private async Task<List<(long Id, string Type, string Data)>> ReadEventsAsync(
        HttpRequestMessage request, List<(long Id, string Type, string Data)> events, Func<(long Id, string Type, string Data), bool> until, CancellationToken cancellationToken)
    {
        using var response = await Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null && type == "keep-alive")
            {
                // Not a change: the stream saying it is alive while nothing happens.
                (id, type, data) = (null, null, null);
            }
            else if (line.Length == 0 && data is not null)
            {
                var received = (long.Parse(id!, CultureInfo.InvariantCulture), type ?? "message", data);
                events.Add(received);
                if (until(received))
                {
                    return events;
                }

                (id, type, data) = (null, null, null);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        throw new InvalidOperationException($"The event stream ended before the awaited event. Received: {string.Join(" | ", events)}");
    }
}
