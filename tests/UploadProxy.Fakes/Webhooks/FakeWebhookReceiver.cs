using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace UploadProxy.Fakes.Webhooks;

/// <summary>One request the receiver got, with what it answered.</summary>
/// <param name="SignatureValid">The Standard Webhooks library verified the signature and timestamp, as a receiver would.</param>
public sealed record FakeWebhookDelivery(
    string? Id,
    string? Type,
    string? DataId,
    string? DataStatus,
    JsonElement? Body,
    bool SignatureValid,
    int AnsweredStatus,
    DateTimeOffset ReceivedAt);

/// <summary>
/// A webhook endpoint on loopback Kestrel, as a pipeline would run one: it verifies every request's signature with
/// an independent Standard Webhooks implementation (the StandardWebhooks package, a 5-minute timestamp tolerance), answers
/// 500 to a configurable share of requests, can answer 410, and can go down (its port closed, connections refused)
/// and come back on the same port.
/// </summary>
public sealed class FakeWebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeWebhookDelivery> _deliveries = new();
    private readonly string _secret;
    private readonly Random _random;
    private readonly object _gate = new();
    private WebApplication? _app;
    private int _port;

    private FakeWebhookReceiver(string secret, int seed)
    {
        _secret = secret;
        _random = new Random(seed);
    }

    /// <summary>A fresh <c>whsec_…</c> secret: 32 random bytes in base64.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Where events are posted, e.g. <c>http://127.0.0.1:41234/hooks</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{_port}/hooks");

    /// <summary>The share of requests (0 to 1) answered 500 before anything is recorded as accepted; can change while running.</summary>
    public double FailureShare { get; set; }

    /// <summary>When set, every request is answered 410 Gone.</summary>
    public bool Gone { get; set; }

    /// <summary>Every request received, in order of arrival, refused ones included.</summary>
    public IReadOnlyList<FakeWebhookDelivery> Deliveries => [.. _deliveries];

    /// <summary>The deliveries answered 2xx: what the receiver accepted.</summary>
    public IReadOnlyList<FakeWebhookDelivery> Accepted => [.. _deliveries.Where(d => d.AnsweredStatus is >= 200 and < 300)];

    public bool IsUp => _app is not null;

    public static async Task<FakeWebhookReceiver> StartAsync(string secret, int seed = 1)
    {
        var receiver = new FakeWebhookReceiver(secret, seed);
        await receiver.ComeBackAsync();
        return receiver;
    }

    /// <summary>Closes the port: deliveries meet a refused connection until <see cref="ComeBackAsync"/>.</summary>
    public async Task GoDownAsync()
    {
        var app = _app;
        _app = null;
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again, on the same port once it has had one.</summary>
    public async Task ComeBackAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _port = new Uri(app.Urls.Single()).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var payload = await reader.ReadToEndAsync(context.RequestAborted);
        var signatureValid = true;
        try
        {
            new StandardWebhook(_secret).Verify(payload, context.Request.Headers);
        }
        catch (WebhookVerificationException)
        {
            signatureValid = false;
        }

        JsonElement? body = null;
        try
        {
            body = JsonDocument.Parse(payload).RootElement.Clone();
        }
        catch (JsonException)
        {
            // Recorded with no body: the test sees it.
        }

        bool fail;
        lock (_gate)
        {
            fail = _random.NextDouble() < FailureShare;
        }

        var status = !signatureValid ? StatusCodes.Status401Unauthorized
            : Gone ? StatusCodes.Status410Gone
            : fail ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status204NoContent;
        var data = body is { } b && b.TryGetProperty("data", out var d) ? d : (JsonElement?)null;
        _deliveries.Enqueue(new FakeWebhookDelivery(
            context.Request.Headers["webhook-id"].ToString(),
            body is { } t && t.TryGetProperty("type", out var type) ? type.GetString() : null,
            data is { } dd && dd.TryGetProperty("id", out var id) ? id.GetString() : null,
            data is { } ds && ds.TryGetProperty("status", out var s) ? s.GetString() : null,
            body,
            signatureValid,
            status,
            DateTimeOffset.UtcNow));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync() => await GoDownAsync();
}
