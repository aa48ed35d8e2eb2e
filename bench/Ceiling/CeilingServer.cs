using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace UploadProxy.Bench.Ceiling;

/// <summary>
/// The machine's ceiling: a bare Kestrel minimal-API server, run as its own process like the gateway and on the same
/// ASP.NET Core stack (same builder, JSON options, GC), with nothing of the product behind it. It answers the same
/// small JSON as <c>info</c>, and reads and discards an upload body the way <c>send</c> reads one.
/// </summary>
internal static class CeilingServer
{
    public const string Command = "ceiling-server";
    public const string InfoPath = "/info/";
    public const string UploadPath = "/upload";
    private const int BufferSize = 64 * 1024;

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });

        var app = builder.Build();
        app.MapGet("/health/ready", () => TypedResults.Ok());
        app.MapGet(InfoPath + "{id}", (string id) => TypedResults.Ok(CeilingSession.Pending(id)));
        app.MapPost(UploadPath, async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                long total = 0;
                int read;
                while ((read = await request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    total += read;
                }

                return TypedResults.Ok(new CeilingUpload("uploaded", total));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        });

        await app.RunAsync();
        return 0;
    }
}

internal sealed record CeilingUpload(string Status, long Bytes);

/// <summary>The same fields as the product's session resource, for a pending session as <c>info</c> returns it.</summary>
internal sealed record CeilingSession
{
    public string Object { get; } = "upload_session";
    public required string Id { get; init; }
    public required string Status { get; init; }
    public string? Filename { get; init; }
    public required string ContentType { get; init; }
    public long? ContentLength { get; init; }
    public string? Sha256 { get; init; }
    public string? BatchId { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    public required string UploadUrl { get; init; }
    public string? Url { get; init; }
    public object? Storage { get; init; }
    public required CeilingNotion Notion { get; init; }
    public int Attempts { get; init; }
    public object? Error { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset UpdatedTime { get; init; }
    public DateTimeOffset ExpiryTime { get; init; }

    public static CeilingSession Pending(string id)
    {
        var now = DateTimeOffset.UtcNow;
        return new CeilingSession
        {
            Id = id,
            Status = "pending",
            Filename = "bench-document.pdf",
            ContentType = "application/pdf",
            BatchId = "bench",
            Metadata = new Dictionary<string, string>(),
            UploadUrl = $"/api/notion/upload-proxy/send/{id}",
            Notion = new CeilingNotion("disabled", null, null),
            CreatedTime = now,
            UpdatedTime = now,
            ExpiryTime = now.AddDays(1),
        };
    }
}

internal sealed record CeilingNotion(string Status, string? PageId, string? PageUrl);
