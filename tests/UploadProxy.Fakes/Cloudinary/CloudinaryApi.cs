using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>The Upload API and the delivery URLs of one account, answered the way Cloudinary answers them.</summary>
internal sealed partial class CloudinaryApi(
    CloudinaryAccount account,
    AssetStore assets,
    ChunkedUploads chunks,
    UploadFaults faults,
    AdminRateLimit adminRateLimit,
    TempFolder folder,
    bool discardContent,
    CancellationToken stopping)
{
    private const string UploadIdHeader = "X-Unique-Upload-Id";
    private const long MaxClockSkewSeconds = 60 * 60;
    private const int MaxPublicIdLength = 255;
    private const long MaxUnchunkedBytes = 100L * 1024 * 1024;

    private static readonly FrozenSet<string> ResourceTypes =
        new[] { "image", "video", "raw", "auto" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly SearchValues<char> ForbiddenPublicIdCharacters = SearchValues.Create("?&#\\%<>");
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly Lock _lock = new();
    private readonly List<FakeCloudinaryRejection> _rejections = [];
    private readonly List<FakeCloudinaryRequest> _requests = [];
    private readonly List<FakeCloudinaryUploadRequest> _received = [];
    private readonly TaskCompletionSource<string> _deliveryBase = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _uploadRequests;

    public int UploadRequests => Volatile.Read(ref _uploadRequests);

    public IReadOnlyList<FakeCloudinaryRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<FakeCloudinaryRejection> Rejections
    {
        get
        {
            lock (_lock)
            {
                return [.. _rejections];
            }
        }
    }

    public IReadOnlyList<FakeCloudinaryUploadRequest> ReceivedUploads
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1_1/{cloudName}/{resourceType}/upload", ReceiveUploadAsync);
        routes.MapGet("/v1_1/{cloudName}/resources/{resourceType}/{type}/{**publicId}", LookUpAsync);
        routes.MapGet("/{cloudName}/{resourceType}/upload/{**path}", DeliverAsync);

        // Not Cloudinary's: lets scripts and benchmarks that run the fake as a process check what it stored.
        routes.MapGet("/_fake/assets", () => TypedResults.Ok(assets.Snapshot()));
    }

    /// <summary>Called once Kestrel has its port: secure URLs are built from it.</summary>
    public void Listening(Uri uploadPrefix) =>
        _deliveryBase.SetResult($"{uploadPrefix.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(account.CloudName)}");

    private async Task ReceiveUploadAsync(HttpContext context)
    {
        Interlocked.Increment(ref _uploadRequests);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        IFormCollection form;
        try
        {
            var request = context.Request;
            form = !request.HasFormContentType ? FormCollection.Empty
                : discardContent && !request.Headers.ContainsKey(UploadIdHeader) ? await DiscardingFormReader.ReadAsync(request, cancellation.Token)
                : await request.ReadFormAsync(cancellation.Token);
            Received(form);
            await faults.DelayAsync(cancellation.Token);
        }
        catch (InvalidDataException ex)
        {
            await RespondAsync(context, CloudinaryReply.Error(StatusCodes.Status400BadRequest, $"Invalid multipart body: {ex.Message}"));
            return;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away, or the server is stopping: like a dying server, answer nothing.
            context.Abort();
            return;
        }

        var kind = context.Request.Headers.ContainsKey(UploadIdHeader) ? "chunk" : "upload";
        var named = NamedPublicId(form);
        var reply = faults.TakeFailure() ?? await UploadAsync(context.Request, form);
        var stored = reply.StatusCode == StatusCodes.Status200OK && reply.Stored;
        if (stored && faults.TakeLostAnswer())
        {
            // Stored, then the connection drops before the answer: the client cannot tell whether it landed.
            Record(new FakeCloudinaryRequest(kind, named, 0, stored));
            context.Abort();
            return;
        }

        try
        {
            await faults.WaitToAnswerAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Record(new FakeCloudinaryRequest(kind, named, 0, stored));
            context.Abort();
            return;
        }

        Record(new FakeCloudinaryRequest(kind, named, reply.StatusCode, stored));
        await RespondAsync(context, reply);
    }

    /// <summary>The Admin API's <c>GET resources/{resource_type}/{type}/{public_id}</c>, with HTTP Basic auth.</summary>
    private async Task LookUpAsync(HttpContext context)
    {
        var routeValues = context.Request.RouteValues;
        var publicId = routeValues["publicId"] as string ?? "";
        var (refusal, headers) = adminRateLimit.Take();
        var reply = refusal ?? faults.TakeLookupFailure() ?? LookUp(context.Request, publicId);
        foreach (var (name, value) in headers)
        {
            reply.WithHeader(name, value);
        }

        Record(new FakeCloudinaryRequest("lookup", publicId, reply.StatusCode, Stored: false));
        await RespondAsync(context, reply);
    }

    private CloudinaryReply LookUp(HttpRequest request, string publicId)
    {
        if (request.RouteValues["cloudName"] as string != account.CloudName)
        {
            return CloudinaryReply.Error(StatusCodes.Status404NotFound, $"Invalid cloud_name {request.RouteValues["cloudName"]}");
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization)
            || !string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is null)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, "Must supply api_key");
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization.Parameter));
        }
        catch (FormatException)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, "Invalid Basic credentials");
        }

        if (credentials.Split(':', 2) is not [var apiKey, var apiSecret] || apiKey != account.ApiKey)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, $"Unknown API key {credentials.Split(':')[0]}");
        }

        if (apiSecret != account.ApiSecret)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, $"Bad credentials for API key {apiKey}");
        }

        var resourceType = request.RouteValues["resourceType"] as string ?? "";
        return request.RouteValues["type"] as string == "upload" && assets.FindStored(resourceType, publicId) is { } stored
            ? CloudinaryReply.Resource(stored, account)
            : CloudinaryReply.Error(StatusCodes.Status404NotFound, $"Resource not found - {publicId}");
    }

    private void Record(FakeCloudinaryRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    private static string? NamedPublicId(IFormCollection form)
    {
        var publicId = form["public_id"].ToString();
        var assetFolder = form["folder"].ToString().Trim('/');
        return publicId.Length == 0 ? null : assetFolder.Length == 0 ? publicId : $"{assetFolder}/{publicId}";
    }

    private void Received(IFormCollection form)
    {
        lock (_lock)
        {
            _received.Add(new FakeCloudinaryUploadRequest(NamedPublicId(form), DateTimeOffset.UtcNow));
        }
    }

    private async Task<CloudinaryReply> UploadAsync(HttpRequest request, IFormCollection form)
    {
        var cloudName = request.RouteValues["cloudName"] as string;
        if (cloudName != account.CloudName)
        {
            return CloudinaryReply.Error(StatusCodes.Status404NotFound, $"Invalid cloud_name {cloudName}");
        }

        var resourceType = request.RouteValues["resourceType"] as string ?? "";
        if (!ResourceTypes.Contains(resourceType))
        {
            return CloudinaryReply.Error(StatusCodes.Status404NotFound, $"Invalid resource_type {resourceType}");
        }

        if (Authenticate(form) is { } refused)
        {
            return refused;
        }

        if (form.Files.GetFile("file") is not { } file)
        {
            return CloudinaryReply.Error(StatusCodes.Status400BadRequest, "Missing required parameter - file");
        }

        // The fake does not look inside files: what is uploaded as auto is kept as raw.
        var storedType = resourceType == "auto" ? "raw" : resourceType;
        var publicId = PublicId(form, file, storedType);
        if (PublicIdProblem(publicId) is { } problem)
        {
            return CloudinaryReply.Error(StatusCodes.Status400BadRequest, $"Invalid public_id '{publicId}': {problem}");
        }

        var parameters = new UploadParameters(
            publicId,
            storedType,
            Overwrite: form["overwrite"].ToString() is not ("false" or "0"),
            Context: form["context"].ToString() is { Length: > 0 } context ? context : null,
            Tags: form["tags"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            // Dynamic folders file the asset under asset_folder; fixed folders under the folder of its public id.
            AssetFolder: (form["asset_folder"].ToString() is { Length: > 0 } assetFolder ? assetFolder : form["folder"].ToString()).Trim('/'),
            OriginalFilename: Path.GetFileNameWithoutExtension(file.FileName) is { Length: > 0 } name ? name : "file");

        string? filePath;
        var uploadId = request.Headers[UploadIdHeader].ToString();
        var contentRange = request.Headers.ContentRange.ToString();
        if (uploadId.Length == 0 && contentRange.Length == 0)
        {
            if (file.Length == 0)
            {
                return CloudinaryReply.Error(StatusCodes.Status400BadRequest, "Empty file");
            }

            if (file.Length > MaxUnchunkedBytes)
            {
                return CloudinaryReply.Error(
                    StatusCodes.Status400BadRequest,
                    $"File size too large. Got {file.Length}. Maximum is {MaxUnchunkedBytes}. Upload files over 100 MB in chunks (upload_large)");
            }

            filePath = discardContent ? null : await folder.SaveAsync(file);
        }
        else
        {
            if (uploadId.Length == 0)
            {
                return CloudinaryReply.Error(StatusCodes.Status400BadRequest, $"A chunk needs the {UploadIdHeader} header");
            }

            if (!ContentRange.TryParse(contentRange, out var range))
            {
                return CloudinaryReply.Error(StatusCodes.Status400BadRequest, $"Invalid Content-Range header '{contentRange}'");
            }

            var outcome = await chunks.AddAsync(uploadId, range, file, ChunkParameters(form));
            if (outcome.Error is not null)
            {
                return CloudinaryReply.Error(StatusCodes.Status400BadRequest, outcome.Error);
            }

            if (outcome.CompletedFilePath is null)
            {
                return CloudinaryReply.NotDone(outcome.ReceivedBytes, publicId, storedType);
            }

            filePath = outcome.CompletedFilePath;
        }

        var digest = filePath is null ? FileDigest.Discarded(file.Length) : await FileDigest.ComputeAsync(filePath);
        var stored = assets.Add(filePath, digest, parameters, await _deliveryBase.Task);
        return CloudinaryReply.Uploaded(stored, account);
    }

    private CloudinaryReply? Authenticate(IFormCollection form)
    {
        var apiKey = form["api_key"].ToString();
        if (apiKey.Length == 0)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, "Must supply api_key");
        }

        if (apiKey != account.ApiKey)
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, $"Unknown API key {apiKey}");
        }

        var timestampText = form["timestamp"].ToString();
        if (timestampText.Length == 0)
        {
            return CloudinaryReply.Error(StatusCodes.Status400BadRequest, "Missing required parameter - timestamp");
        }

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return CloudinaryReply.Error(StatusCodes.Status400BadRequest, $"Invalid timestamp {timestampText}");
        }

        var signature = form["signature"].ToString();
        if (signature.Length == 0)
        {
            return CloudinaryReply.Error(StatusCodes.Status400BadRequest, "Missing required parameter - signature");
        }

        var stringToSign = CloudinarySigning.StringToSign(form);
        if (signature != CloudinarySigning.Hash(stringToSign + account.ApiSecret, account.SignatureAlgorithm))
        {
            return CloudinaryReply.Error(StatusCodes.Status401Unauthorized, $"Invalid Signature {signature}. String to sign - '{stringToSign}'.");
        }

        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp;
        if (Math.Abs(age) > MaxClockSkewSeconds)
        {
            var reported = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
            return CloudinaryReply.Error(
                StatusCodes.Status400BadRequest,
                $"Stale request - reported time is {reported} which is more than 1 hour {(age > 0 ? "ago" : "in the future")}");
        }

        return null;
    }

    /// <summary>What every chunk of one file must agree on: its signed parameters but the timestamp each signs afresh.</summary>
    private static string ChunkParameters(IFormCollection form) =>
        CloudinarySigning.StringToSign(form.Where(p => p.Key != "timestamp"));

    private static string PublicId(IFormCollection form, IFormFile file, string resourceType)
    {
        var publicId = form["public_id"].ToString();
        if (publicId.Length == 0)
        {
            // As Cloudinary: a random id, which for raw files keeps the extension of the uploaded file.
            publicId = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20)
                + (resourceType == "raw" ? Path.GetExtension(file.FileName) : "");
        }

        var assetFolder = form["folder"].ToString().Trim('/');
        return assetFolder.Length == 0 ? publicId : $"{assetFolder}/{publicId}";
    }

    private static string? PublicIdProblem(string publicId) => publicId switch
    {
        { Length: >= MaxPublicIdLength } => $"it must be shorter than {MaxPublicIdLength} characters",
        _ when publicId.StartsWith('/') || publicId.EndsWith('/') => "it must not start or end with '/'",
        _ when publicId.AsSpan().ContainsAny(ForbiddenPublicIdCharacters) || publicId.Any(char.IsControl) =>
            "it must not contain ? & # \\ % < > or control characters",
        _ => null,
    };

    private async Task RespondAsync(HttpContext context, CloudinaryReply reply)
    {
        if (reply.Rejection is not null)
        {
            lock (_lock)
            {
                _rejections.Add(new FakeCloudinaryRejection(reply.StatusCode, reply.Rejection));
            }
        }

        await reply.WriteAsync(context.Response);
    }

    /// <summary>Delivery URL <c>/{cloud}/{resource_type}/upload/v{version}/{public_id}</c>; like Cloudinary's CDN, any version serves the current bytes.</summary>
    private async Task DeliverAsync(HttpContext context)
    {
        var routeValues = context.Request.RouteValues;
        var publicId = VersionComponent().Replace(routeValues["path"] as string ?? "", "");
        await using var content = routeValues["cloudName"] as string == account.CloudName
            ? assets.OpenContent(routeValues["resourceType"] as string ?? "", publicId)
            : null;
        if (content is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = ContentTypes.TryGetContentType(publicId, out var contentType) ? contentType : "application/octet-stream";
        context.Response.ContentLength = content.Length;
        await content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    [GeneratedRegex("^v[0-9]+/")]
    private static partial Regex VersionComponent();
}
