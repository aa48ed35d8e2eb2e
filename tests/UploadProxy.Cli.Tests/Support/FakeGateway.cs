using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UploadProxy.Cli.Tests.Support;

/// <summary>
/// The gateway's create, send, info and batch routes, kept in memory on loopback Kestrel. It checks
/// what the real gateway checks for a send (a <c>file</c> part, <c>%PDF-</c>, the declared length) and
/// records what it received.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeSession> _sessions = new();
    private readonly ConcurrentDictionary<string, int> _sendsBySha = new();
    private readonly ConcurrentQueue<string?> _authorizations = new();
    private int _creates;
    private int _acceptedSends;
    private int _rateLimitedCreates;
    private int _unavailableSends;
    private int _tusCreates;
    private int _acceptedPatches;
    private int _lockedPatches;
    private int _patchRequests;

    private FakeGateway(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Answer <c>202 uploading</c> to sends, and report the upload done only after this many info calls.</summary>
    public int InfoCallsUntilUploaded { get; set; }

    /// <summary>Sessions go on to Notion: <c>uploaded</c> with notion pending, then <c>linked</c>.</summary>
    public bool NotionEnabled { get; set; }

    /// <summary>How many creates get <c>429</c> with <c>Retry-After</c> before they succeed.</summary>
    public int RateLimitCreates { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The most sessions a page of <c>GET /api/batches/{id}</c> holds, whatever <c>limit</c> asks (the contract allows fewer).</summary>
    public int BatchPageSize { get; set; } = 1000;

    /// <summary>How many sends get <c>503 cluster_unavailable</c> (before reading the body) before they succeed.</summary>
    public int UnavailableSends { get; set; }

    /// <summary>Called with the running count when a send has been read whole and accepted, before the answer.</summary>
    public Action<int>? OnSendAccepted { get; set; }

    /// <summary>How many tus PATCHes get <c>423</c> (another PATCH holds the upload) before they are let through.</summary>
    public int LockedPatches { get; set; }

    /// <summary>The PATCH requests (counted from 1) whose bytes are appended but whose answer is lost: the connection is cut.</summary>
    public ISet<int> AnswerLostForPatches { get; } = new HashSet<int>();

    /// <summary>The PATCH requests that were refused with 409 because their offset was not the upload's.</summary>
    public ConcurrentQueue<long> ConflictingOffsets { get; } = new();

    /// <summary>The headers each tus request came with: method, Tus-Resumable, Content-Type.</summary>
    public ConcurrentQueue<(string Method, string? TusResumable, string? ContentType)> TusRequests { get; } = new();

    /// <summary>Called with the running count when a tus PATCH has been appended, before the answer.</summary>
    public Action<int>? OnPatchAccepted { get; set; }

    public int Creates => Volatile.Read(ref _creates);

    public int TusCreates => Volatile.Read(ref _tusCreates);

    /// <summary>Each tus PATCH the fake appended, in order: the upload and the offset its bytes began at.</summary>
    public ConcurrentQueue<(string SessionId, long Offset, int Length)> Patches { get; } = new();

    public IReadOnlyDictionary<string, int> SendsBySha256 => _sendsBySha;

    public IReadOnlyCollection<string?> Authorizations => _authorizations;

    public IReadOnlyCollection<FakeSession> Sessions => [.. _sessions.Values];

    /// <summary>Drops a session, as an expired or swept upload is gone: its URLs answer 404 from then on.</summary>
    public void Forget(string sessionId) => _sessions.TryRemove(sessionId, out _);

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        var app = builder.Build();
        var fake = new FakeGateway(app);
        fake.Map(app);
        await app.StartAsync();
        fake.Address = new Uri(app.Urls.Single());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            _authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
            if (context.Request.Path.StartsWithSegments("/api/tus"))
            {
                TusRequests.Enqueue((context.Request.Method, context.Request.Headers["Tus-Resumable"].FirstOrDefault(), context.Request.ContentType));
            }

            await next(context);
        });
        app.MapPost("/api/notion/upload-proxy/create", CreateAsync);
        app.MapPost("/api/notion/upload-proxy/send/{id}", SendAsync);
        app.MapGet("/api/notion/upload-proxy/info/{id}", Info);
        app.MapGet("/api/batches/{batchId}", Batch);
        app.MapPost("/api/tus", CreateTus);
        app.MapMethods("/api/tus/{id}", ["HEAD"], HeadTus);
        app.MapMethods("/api/tus/{id}", ["PATCH"], PatchTusAsync);
    }

    private async Task<IResult> CreateAsync(HttpRequest request)
    {
        if (Interlocked.Increment(ref _rateLimitedCreates) <= RateLimitCreates)
        {
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(429, "rate_limited", "Slow down.");
        }

        var body = await request.ReadFromJsonAsync<CreateBody>();
        Interlocked.Increment(ref _creates);
        var session = new FakeSession
        {
            Id = Guid.NewGuid().ToString("N"),
            Filename = body?.Filename,
            BatchId = body?.BatchId,
            ContentLength = body?.ContentLength,
            NotionStatus = NotionEnabled ? "pending" : "disabled",
        };
        _sessions[session.Id] = session;
        return Results.Json(Resource(session), statusCode: 201);
    }

    private async Task<IResult> SendAsync(string id, HttpRequest request)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Problem(404, "session_not_found", "No such session.");
        }

        if (Interlocked.Increment(ref _unavailableSends) <= UnavailableSends)
        {
            return Problem(503, "cluster_unavailable", "No silo answered.");
        }

        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        if (form.Files.GetFile("file") is not { } file)
        {
            return Problem(400, "invalid_request", "No file part.");
        }

        byte[] bytes;
        await using (var stream = file.OpenReadStream())
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            bytes = buffer.ToArray();
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        _sendsBySha.AddOrUpdate(sha256, 1, (_, count) => count + 1);
        if (file.ContentType != "application/pdf" || file.FileName != session.Filename)
        {
            return Problem(400, "invalid_request", $"Unexpected part: {file.ContentType} {file.FileName}.");
        }

        if (!bytes.AsSpan().StartsWith(PdfMagic))
        {
            return Problem(415, "unsupported_document", "The document does not start with %PDF-.");
        }

        if (session.ContentLength is { } declared && declared != bytes.Length)
        {
            return Problem(400, "invalid_request", "Length other than declared.");
        }

        lock (session)
        {
            if (session.Sha256 is { } stored && stored != sha256)
            {
                return Problem(409, "session_conflict", "Other bytes.");
            }

            session.Sha256 = sha256;
            session.Url = $"https://res.example.test/raw/upload/v1/dashboard-documents/{session.Id}-{session.Filename}";
            session.Status = InfoCallsUntilUploaded > 0 ? "uploading" : "uploaded";
        }

        OnSendAccepted?.Invoke(Interlocked.Increment(ref _acceptedSends));
        var respondAsync = request.Headers["Prefer"].Contains("respond-async");
        return Results.Json(Resource(session), statusCode: respondAsync || session.Status == "uploading" ? 202 : 200);
    }

    private IResult CreateTus(HttpRequest request)
    {
        if (request.Headers["Tus-Resumable"] != "1.0.0")
        {
            return Results.StatusCode(412);
        }

        var metadata = request.Headers["Upload-Metadata"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Trim().Split(' '))
            .ToDictionary(pair => pair[0], pair => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pair[1])));
        Interlocked.Increment(ref _tusCreates);
        var session = new FakeSession
        {
            Id = Guid.NewGuid().ToString("N"),
            Filename = metadata.GetValueOrDefault("filename"),
            BatchId = metadata.GetValueOrDefault("batch_id"),
            ContentLength = long.Parse(request.Headers["Upload-Length"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
            NotionStatus = NotionEnabled ? "pending" : "disabled",
        };
        _sessions[session.Id] = session;
        request.HttpContext.Response.Headers["Tus-Resumable"] = "1.0.0";
        request.HttpContext.Response.Headers.Location = $"/api/tus/{session.Id}";
        return Results.StatusCode(201);
    }

    private IResult HeadTus(string id, HttpResponse response)
    {
        response.Headers["Tus-Resumable"] = "1.0.0";
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Results.NotFound();
        }

        lock (session)
        {
            response.Headers["Upload-Offset"] = session.Received.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["Upload-Length"] = session.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.CacheControl = "no-store";
        }

        return Results.Ok();
    }

    private async Task<IResult> PatchTusAsync(string id, HttpRequest request)
    {
        var response = request.HttpContext.Response;
        response.Headers["Tus-Resumable"] = "1.0.0";
        var number = Interlocked.Increment(ref _patchRequests);
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Results.NotFound();
        }

        if (Interlocked.Increment(ref _lockedPatches) <= LockedPatches)
        {
            return Problem(423, "upload_locked", "Another PATCH is writing to this upload.");
        }

        if (request.Headers["Tus-Resumable"] != "1.0.0")
        {
            return Results.StatusCode(412);
        }

        if (request.ContentType != "application/offset+octet-stream")
        {
            return Problem(415, "unsupported_media_type", "A PATCH body is application/offset+octet-stream.");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        var offset = long.Parse(request.Headers["Upload-Offset"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        lock (session)
        {
            if (offset != session.Received.Length)
            {
                ConflictingOffsets.Enqueue(offset);
                return Problem(409, "upload_offset_mismatch", $"The upload is at {session.Received.Length}, not {offset}.");
            }

            session.Received.Write(body.GetBuffer(), 0, (int)body.Length);
            Patches.Enqueue((id, offset, (int)body.Length));
            if (session.Received.Length == session.ContentLength)
            {
                var bytes = session.Received.ToArray();
                session.Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
                _sendsBySha.AddOrUpdate(session.Sha256, 1, (_, count) => count + 1);
                session.Url = $"https://res.example.test/raw/upload/v1/dashboard-documents/{session.Id}-{session.Filename}";
                session.Status = InfoCallsUntilUploaded > 0 ? "uploading" : "uploaded";
            }

            response.Headers["Upload-Offset"] = session.Received.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        OnPatchAccepted?.Invoke(Interlocked.Increment(ref _acceptedPatches));
        if (AnswerLostForPatches.Contains(number))
        {
            request.HttpContext.Abort();
        }

        return Results.NoContent();
    }

    private IResult Info(string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Problem(404, "session_not_found", "No such session.");
        }

        lock (session)
        {
            session.InfoCalls++;
            if (session.Status == "uploading" && session.InfoCalls >= InfoCallsUntilUploaded)
            {
                session.Status = "uploaded";
            }
            else if (session is { Status: "uploaded", NotionStatus: "pending" })
            {
                session.Status = "linked";
                session.NotionStatus = "linked";
                session.NotionPageUrl = $"https://www.notion.so/{session.Id}";
            }

            return Results.Json(Resource(session));
        }
    }

    private IResult Batch(string batchId, int? limit, string? cursor)
    {
        var sessions = _sessions.Values.Where(session => session.BatchId == batchId).OrderBy(session => session.Id, StringComparer.Ordinal).ToList();
        if (sessions.Count == 0)
        {
            return Problem(404, "batch_not_found", "No such batch.");
        }

        var start = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        var size = Math.Min(limit ?? 100, BatchPageSize);

        return Results.Json(new
        {
            Object = "batch",
            Id = batchId,
            Total = sessions.Count,
            Counts = sessions.GroupBy(session => session.Status).ToDictionary(group => group.Key, group => group.Count()),
            Sessions = sessions.Skip(start).Take(size).Select(session => new { session.Id, session.Status, session.Filename, session.Url, session.NotionPageUrl }),
            NextCursor = start + size < sessions.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            UpdatedTime = DateTimeOffset.UtcNow,
        });
    }

    private static object Resource(FakeSession session) => new
    {
        Object = "upload_session",
        session.Id,
        session.Status,
        session.Filename,
        ContentType = "application/pdf",
        session.ContentLength,
        session.Sha256,
        session.BatchId,
        UploadUrl = $"/api/notion/upload-proxy/send/{session.Id}",
        session.Url,
        Notion = new { Status = session.NotionStatus, PageId = (string?)null, PageUrl = session.NotionPageUrl },
        Error = (object?)null,
    };

    private static IResult Problem(int status, string code, string detail) => Results.Problem(
        statusCode: status,
        detail: detail,
        extensions: new Dictionary<string, object?> { ["code"] = code });

    private sealed record CreateBody(string? Filename, string? BatchId, long? ContentLength);
}

public sealed class FakeSession
{
    public required string Id { get; init; }
    public string? Filename { get; init; }
    public string? BatchId { get; init; }
    public long? ContentLength { get; init; }
    public string Status { get; set; } = "pending";
    public string? Sha256 { get; set; }
    public string? Url { get; set; }
    public string NotionStatus { get; set; } = "disabled";
    public string? NotionPageUrl { get; set; }
    public int InfoCalls { get; set; }

    /// <summary>The bytes a tus upload has received so far.</summary>
    public MemoryStream Received { get; } = new();
}
