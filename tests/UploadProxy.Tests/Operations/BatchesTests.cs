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
        var id = await Client.CreateIdAsync(new { filename = "live.pdf", batch_id = batch });
        await Client.SendAsync(id, SamplePdf.Create(seed: 600));

        var events = await ReadEventsAsync(batch, lastEventId: null, until: e => e.Data.Contains("\"status\":\"uploaded\"", StringComparison.Ordinal));
        var statuses = events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("session").GetProperty("status").GetString()).ToList();

        Assert.Equal("pending", statuses[0]);
        Assert.Contains("uploading", statuses);
        Assert.Equal("uploaded", statuses[^1]);
        Assert.All(events, e => Assert.Equal("session", e.Type));
        Assert.Equal(events.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)).Order(), events.Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)));

        var second = await Client.CreateIdAsync(new { filename = "second.pdf", batch_id = batch });
        var resumed = await ReadEventsAsync(batch, lastEventId: events[^1].Id, until: _ => true);

        Assert.Contains(second, resumed[0].Data);
        Assert.True(long.Parse(resumed[0].Id, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(events[^1].Id, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<JsonElement> WaitForBatchAsync(string batch, Func<JsonElement, bool> done)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var response = await Client.Http.GetAsync($"/api/batches/{batch}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if ((response.IsSuccessStatusCode && done(body)) || patience.IsCancellationRequested)
            {
                return body;
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private async Task<List<(string Id, string Type, string Data)>> ReadEventsAsync(string batch, string? lastEventId, Func<(string Id, string Type, string Data), bool> until)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/batches/{batch}/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(patience.Token));
        var events = new List<(string Id, string Type, string Data)>();
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(patience.Token) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                var received = (id!, type ?? "message", data);
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

        return events;
    }
}
