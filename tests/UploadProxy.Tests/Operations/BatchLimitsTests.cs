using System.Net;
using System.Text.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

/// <summary>The bounds on batches: event streams per key and per gateway, sessions per batch.</summary>
public sealed class BatchLimitsTests(BatchLimitsTests.LimitedGatewayFixture gateway) : IClassFixture<BatchLimitsTests.LimitedGatewayFixture>
{
    private const int StreamsPerKey = 2;
    private const int Streams = 3;
    private const int SessionsPerBatch = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_key_past_its_event_streams_is_refused_with_429_and_retry_after_until_one_of_its_streams_closes()
    {
        // A gateway of its own: no stream of another test holds a slot of it.
        await using var limited = await LimitedGatewayFixture.StartAsync();
        var batch = await limited.NewBatchAsync();
        using var first = await OpenStreamAsync(limited.KeyA, batch);
        using var second = await OpenStreamAsync(limited.KeyA, batch);
        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);

        using (var refused = await OpenStreamAsync(limited.KeyA, batch))
        {
            await Problems.AssertAsync(refused.Response, HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.Equal(TimeSpan.FromSeconds(10), refused.Response.Headers.RetryAfter?.Delta);
        }

        // Another key still has its own streams.
        using var other = await OpenStreamAsync(limited.KeyB, batch);
        Assert.Equal(HttpStatusCode.OK, other.Response.StatusCode);

        await first.CloseAsync();
        using var again = await OpenUntilAcceptedAsync(limited.KeyA, batch);
        Assert.Equal("text/event-stream", again.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_gateway_past_its_event_streams_refuses_any_key_with_429_until_a_stream_closes()
    {
        await using var limited = await LimitedGatewayFixture.StartAsync();
        var batch = await limited.NewBatchAsync();
        using var a1 = await OpenStreamAsync(limited.KeyA, batch);
        using var a2 = await OpenStreamAsync(limited.KeyA, batch);
        using var b1 = await OpenStreamAsync(limited.KeyB, batch);
        Assert.All([a1, a2, b1], s => Assert.Equal(HttpStatusCode.OK, s.Response.StatusCode));

        // Key B holds one stream of its two, but the gateway holds all three of its own.
        using (var refused = await OpenStreamAsync(limited.KeyB, batch))
        {
            await Problems.AssertAsync(refused.Response, HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.Equal(TimeSpan.FromSeconds(10), refused.Response.Headers.RetryAfter?.Delta);
        }

        await a1.CloseAsync();
        using var accepted = await OpenUntilAcceptedAsync(limited.KeyB, batch);
        Assert.Equal("text/event-stream", accepted.Response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_events_of_an_unknown_batch_are_not_found_before_any_stream_starts()
    {
        using var response = await gateway.KeyA.GetAsync("/api/batches/never-created/events", HttpCompletionOption.ResponseHeadersRead);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "batch_not_found");
    }

    [Fact]
    public async Task A_create_past_the_batch_size_is_refused_with_409_batch_full_and_the_batch_keeps_its_count()
    {
        var batch = $"full-{Guid.NewGuid():N}";
        var client = new UploadProxyClient(gateway.KeyA);
        var created = new List<string>();
        for (var i = 0; i < SessionsPerBatch; i++)
        {
            created.Add(await client.CreateIdAsync(new { filename = $"in-{i}.pdf", batch_id = batch }));
        }

        var (refused, _) = await client.CreateAsync(new { filename = "one-too-many.pdf", batch_id = batch });
        await Problems.AssertAsync(refused, HttpStatusCode.Conflict, "batch_full");

        var summary = await WaitForSessionsAsync(batch, created);
        Assert.Equal(SessionsPerBatch, summary.GetProperty("total").GetInt32());
        Assert.Equal(SessionsPerBatch, summary.GetProperty("counts").GetProperty("pending").GetInt32());

        // Another batch is not held up by a full one.
        Assert.NotEmpty(await client.CreateIdAsync(new { filename = "elsewhere.pdf", batch_id = $"{batch}-next" }));
    }

    [Fact]
    public async Task Concurrent_creates_for_the_last_places_of_a_batch_give_exactly_its_size()
    {
        var batch = $"race-{Guid.NewGuid():N}";
        var client = new UploadProxyClient(gateway.KeyA);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.CreateAsync(new { filename = $"race-{i}.pdf", batch_id = batch })));

        var created = answers.Where(a => a.Response.StatusCode == HttpStatusCode.Created).Select(a => a.Body.GetProperty("id").GetString()!).ToList();
        Assert.Equal(SessionsPerBatch, created.Count);
        foreach (var (response, body) in answers.Where(a => a.Response.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("batch_full", body.GetProperty("code").GetString());
        }

        var summary = await WaitForSessionsAsync(batch, created);
        Assert.Equal(SessionsPerBatch, summary.GetProperty("total").GetInt32());
    }

    /// <summary>Waits until the batch lists exactly <paramref name="sessions"/>, and answers it.</summary>
    private Task<JsonElement> WaitForSessionsAsync(string batch, List<string> sessions) =>
        Eventually.UntilAsync(
            $"batch {batch} to list its {sessions.Count} sessions",
            async () =>
            {
                using var response = await gateway.KeyA.GetAsync($"/api/batches/{batch}");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            },
            body => body.ValueKind == JsonValueKind.Object
                && body.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).Order().SequenceEqual(sessions.Order()),
            Patience);

    private static async Task<OpenStream> OpenStreamAsync(HttpClient http, string batch)
    {
        var closing = new CancellationTokenSource();
        var response = await http.GetAsync($"/api/batches/{batch}/events", HttpCompletionOption.ResponseHeadersRead, closing.Token);
        return new OpenStream(response, closing);
    }

    /// <summary>A closed stream gives its slot back when the gateway sees the client gone: ask until it has.</summary>
    private static async Task<OpenStream> OpenUntilAcceptedAsync(HttpClient http, string batch)
    {
        OpenStream? last = null;
        return await Eventually.UntilAsync(
            "a new event stream to be accepted",
            async () =>
            {
                last?.Dispose();
                return last = await OpenStreamAsync(http, batch);
            },
            stream => stream.Response.StatusCode == HttpStatusCode.OK,
            Patience,
            stream => ((int)stream.Response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>An event stream as a client holds it; closing it is what a browser tab does when it goes away.</summary>
    private sealed class OpenStream(HttpResponseMessage response, CancellationTokenSource closing) : IDisposable
    {
        public HttpResponseMessage Response => response;

        public async Task CloseAsync()
        {
            await closing.CancelAsync();
            response.Dispose();
        }

        public void Dispose()
        {
            closing.Cancel();
            response.Dispose();
            closing.Dispose();
        }
    }

    /// <summary>A gateway with two API keys and small bounds: two streams a key, three in all, three sessions a batch.</summary>
    public sealed class LimitedGatewayFixture : IAsyncLifetime, IAsyncDisposable
    {
        private const string FirstKey = "limits-key-a";
        private const string SecondKey = "limits-key-b";

        public GatewayFactory Factory { get; private set; } = null!;

        public HttpClient KeyA { get; private set; } = null!;

        public HttpClient KeyB { get; private set; } = null!;

        public Task InitializeAsync()
        {
            var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
            settings["Gateway:ApiKeys:0"] = FirstKey;
            settings["Gateway:ApiKeys:1"] = SecondKey;
            settings["Gateway:MaxEventStreamsPerKey"] = StreamsPerKey.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Gateway:MaxEventStreams"] = Streams.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Gateway:MaxSessionsPerBatch"] = SessionsPerBatch.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Factory = new GatewayFactory(settings);
            KeyA = Client(FirstKey);
            KeyB = Client(SecondKey);
            return Task.CompletedTask;
        }

        /// <summary>A batch with one session, once the batch answers.</summary>
        public async Task<string> NewBatchAsync()
        {
            var batch = $"streams-{Guid.NewGuid():N}";
            await new UploadProxyClient(KeyA).CreateIdAsync(new { filename = "watched.pdf", batch_id = batch });
            await Eventually.UntilAsync(
                $"batch {batch} to exist",
                async () =>
                {
                    using var response = await KeyA.GetAsync($"/api/batches/{batch}");
                    return response.StatusCode;
                },
                status => status == HttpStatusCode.OK,
                Patience);
            return batch;
        }

        public static async Task<LimitedGatewayFixture> StartAsync()
        {
            var gateway = new LimitedGatewayFixture();
            await gateway.InitializeAsync();
            return gateway;
        }

        public async Task DisposeAsync()
        {
            KeyA.Dispose();
            KeyB.Dispose();
            await Factory.DisposeAsync();
        }

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

        private HttpClient Client(string key)
        {
            var http = Factory.CreateClient();
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            return http;
        }
    }
}
