using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace UploadProxy.Cli.Api;

/// <summary>
/// The gateway's HTTP API. Every call is safe to repeat (a repeated <c>create</c> at worst leaves a
/// pending session that expires), so 429, 503 and transport failures are retried here.
/// </summary>
internal sealed class GatewayClient(HttpClient http, Uri gateway, string? apiKey, GatewayTimings timings, TimeProvider time)
{
    private const string SessionsPath = "api/notion/upload-proxy/";
    private static readonly MediaTypeHeaderValue PdfType = new("application/pdf");

    private readonly Uri _base = gateway.AbsoluteUri.EndsWith('/') ? gateway : new Uri(gateway.AbsoluteUri + "/");

    /// <summary>The gateway's address, ending in '/', that relative routes resolve against.</summary>
    public Uri Base => _base;

    public GatewayTimings Timings => timings;

    public Task<SessionResource> CreateSessionAsync(CreateSessionRequest body, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, new Uri(_base, SessionsPath + "create"))
            {
                Content = JsonContent.Create(body, CliJson.Default.CreateSessionRequest),
            },
            CliJson.Default.SessionResource,
            timings.RequestTimeout,
            cancellationToken);

    /// <summary>Streams the file as the multipart part <c>file</c>; each attempt reopens it.</summary>
    public Task<SessionResource> SendDocumentAsync(
        string sessionId, FileInfo file, Action<long> reportPosition, CancellationToken cancellationToken) =>
        SendAsync(
            () =>
            {
                var stream = new FileStream(
                    file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                var document = new StreamContent(new ProgressStream(stream, reportPosition), 81920);
                document.Headers.ContentType = PdfType;
                var form = new MultipartFormDataContent { { document, "file", file.Name } };
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, SessionsPath + "send/" + Uri.EscapeDataString(sessionId)))
                {
                    Content = form,
                };
                request.Headers.Add("Prefer", "respond-async");
                return request;
            },
            CliJson.Default.SessionResource,
            timings.SendTimeout,
            cancellationToken);

    public Task<SessionResource> GetSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(_base, SessionsPath + "info/" + Uri.EscapeDataString(sessionId))),
            CliJson.Default.SessionResource,
            timings.RequestTimeout,
            cancellationToken);

    /// <summary>One page of the batch: the first without <paramref name="cursor"/>, else the one the previous page's <c>next_cursor</c> names.</summary>
    public Task<BatchResource> GetBatchAsync(string batchId, string? cursor, CancellationToken cancellationToken) =>
        SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(_base, BatchPagePath(batchId, cursor))),
            CliJson.Default.BatchResource,
            timings.RequestTimeout,
            cancellationToken);

    // The largest page the gateway gives: fewest round trips for a large batch.
    private static string BatchPagePath(string batchId, string? cursor) =>
        "api/batches/" + Uri.EscapeDataString(batchId) + "?limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));

    private Task<T> SendAsync<T>(
        Func<HttpRequestMessage> newRequest,
        JsonTypeInfo<T> type,
        TimeSpan timeout,
        CancellationToken cancellationToken) =>
        SendAsync(
            newRequest,
            async (response, token) => await response.Content.ReadFromJsonAsync(type, token)
                ?? throw new GatewayException((int)response.StatusCode, "invalid_response", "The gateway answered with an empty body."),
            timeout,
            cancellationToken);

    /// <summary>Sends until a 2xx, which <paramref name="read"/> turns into the result; 429, 503 and transport failures are retried.</summary>
    internal async Task<T> SendAsync<T>(
        Func<HttpRequestMessage> newRequest,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            using var request = newRequest();
            if (apiKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCancellation.CancelAfter(timeout);
            var retriesLeft = attempt < timings.MaxAttempts;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token);
                if (response.IsSuccessStatusCode)
                {
                    return await read(response, attemptCancellation.Token);
                }

                var failure = await ReadProblemAsync(response, attemptCancellation.Token);
                if (RetryDelay(response, failure, attempt) is not { } wait || !retriesLeft)
                {
                    throw failure;
                }

                delay = wait;
            }
            catch (HttpRequestException) when (retriesLeft)
            {
                delay = Backoff(attempt);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && retriesLeft)
            {
                // The attempt's own timeout, not the caller's cancellation.
                delay = Backoff(attempt);
            }

            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private TimeSpan? RetryDelay(HttpResponseMessage response, GatewayException failure, int attempt)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter?.Date is { } date)
            {
                var untilDate = date - time.GetUtcNow();
                return untilDate > TimeSpan.Zero ? untilDate : TimeSpan.Zero;
            }

            return Backoff(attempt);
        }

        return response.StatusCode == HttpStatusCode.ServiceUnavailable || failure.Code == "cluster_unavailable"
            ? Backoff(attempt)
            : null;
    }

    /// <summary>Exponential, capped, with jitter so that parallel uploads do not retry in step.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponential = timings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, timings.RetryMaxDelay.TotalMilliseconds);
        var jitter = RandomNumberGenerator.GetInt32(0, 1000) / 1000.0 * capped / 4;
        return TimeSpan.FromMilliseconds(capped * 3 / 4 + jitter);
    }

    private static async Task<GatewayException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var fallback = response.ReasonPhrase ?? response.StatusCode.ToString();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync(CliJson.Default.ProblemResource, cancellationToken);
                return new GatewayException(status, problem?.Code ?? $"http_{status}", problem?.Detail ?? problem?.Title ?? fallback);
            }
            catch (JsonException)
            {
                // Not the contract's problem shape: the status line says enough.
            }
        }

        return new GatewayException(status, $"http_{status}", fallback);
    }
}
