using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Grains;
using UploadProxy.Integrations.Storage;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Integrations.Cloudinary;

/// <summary>
/// Stores documents with Cloudinary's signed Upload API as <c>raw</c> assets. Small documents go in one request;
/// larger ones in chunks that share an <c>X-Unique-Upload-Id</c>. Any attempt after the first may follow one whose
/// outcome is unknown (unless this process saw every earlier one store nothing), so it first looks the asset up with
/// the Admin API and adopts it when it holds the staged bytes.
/// How each failure is handled is <see cref="CloudinaryFailurePolicy"/>'s decision.
/// </summary>
internal sealed partial class CloudinaryDocumentStore(
    HttpClient httpClient,
    IOptions<CloudinaryOptions> options,
    IDocumentStagingStore staging,
    CloudinaryAdminGate adminGate,
    NothingStoredYet nothingStoredYet,
    TimeProvider timeProvider,
    ILogger<CloudinaryDocumentStore> logger) : IDocumentStore
{
    public const string ResourceType = "raw";
    private const string DeliveryType = "upload";

    private readonly CloudinaryOptions _options = options.Value;

    public string Provider => "cloudinary";

    public async Task<StoredAsset> StoreAsync(DocumentToStore document, CancellationToken cancellationToken)
    {
        var lookingUp = document.Attempt > 1 && !nothingStoredYet.IsKnownBefore(document.PublicId, document.Attempt);
        try
        {
            if (lookingUp)
            {
                if (await FindStoredAsync(document, cancellationToken) is { } stored)
                {
                    LogAdopted(document.SessionId, document.PublicId, document.Attempt);
                    nothingStoredYet.Remove(document.PublicId);
                    return Asset(stored, document);
                }

                lookingUp = false;
            }

            var response = document.Length <= _options.ChunkedUploadThresholdBytes
                ? await SendAsync(document, 0, document.Length, chunked: false, cancellationToken)
                : await SendChunksAsync(document, cancellationToken);
            nothingStoredYet.Remove(document.PublicId);
            return Asset(response, document);
        }
        catch (StagedDocumentMissingException ex)
        {
            nothingStoredYet.Remove(document.PublicId);
            throw new DocumentStoreException("staged_document_missing", ex.Message, isTransient: false, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var kind = CloudinaryFailurePolicy.Classify(ex, isUpload: !lookingUp);
            var timedOut = ex is TimeoutException or Polly.Timeout.TimeoutRejectedException or OperationCanceledException;
            throw Remember(document, lookingUp, new DocumentStoreException(
                timedOut ? "cloudinary_timeout" : "cloudinary_unreachable",
                timedOut ? "Cloudinary did not answer in time." : $"Cloudinary could not be reached: {ex.Message}",
                CloudinaryFailurePolicy.IsTransient(kind),
                ex,
                outcomeUnknown: kind == CloudinaryFailureKind.OutcomeUnknown));
        }
        catch (DocumentStoreException ex)
        {
            throw Remember(document, lookingUp, ex);
        }
    }

    /// <summary>
    /// Keeps what a failed upload taught: an id stays known to be absent only while every upload failed with nothing
    /// done; a failed lookup teaches nothing.
    /// </summary>
    private DocumentStoreException Remember(DocumentToStore document, bool lookingUp, DocumentStoreException failure)
    {
        if (lookingUp)
        {
            return failure;
        }

        if (failure.IsTransient && !failure.OutcomeUnknown)
        {
            nothingStoredYet.Add(document.PublicId, document.Attempt);
        }
        else
        {
            nothingStoredYet.Remove(document.PublicId);
        }

        return failure;
    }

    /// <summary>
    /// The asset already under the document's public id when it holds the staged bytes (same size, and Cloudinary's
    /// etag is their MD5); null when there is none or it holds other bytes, which the upload then overwrites.
    /// </summary>
    private async Task<UploadResponse?> FindStoredAsync(DocumentToStore document, CancellationToken cancellationToken)
    {
        if (adminGate.Wait is { Ticks: > 0 } wait)
        {
            throw RateLimited(wait);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, ResourceUri(document.PublicId));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.ApiKey}:{_options.ApiSecret}")));
        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (CloudinaryFailurePolicy.ExhaustedUntil(response) is { } reset)
        {
            adminGate.CloseUntil(reset);
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (CloudinaryFailurePolicy.IsRateLimited(response.StatusCode))
        {
            var retryAfter = CloudinaryFailurePolicy.RetryAfter(response, timeProvider.GetUtcNow());
            adminGate.CloseUntil(timeProvider.GetUtcNow() + retryAfter);
            throw RateLimited(retryAfter);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, body, isUpload: false);
        }

        var found = Parse(body);
        if (found.Bytes != document.Length || found.Etag is null)
        {
            LogDiffers(document.SessionId, document.PublicId, found.Bytes, document.Length);
            return null;
        }

        if (!string.Equals(found.Etag, await Md5Async(document, cancellationToken), StringComparison.OrdinalIgnoreCase))
        {
            LogDiffers(document.SessionId, document.PublicId, found.Bytes, document.Length);
            return null;
        }

        return found;
    }

    /// <summary>Read from the staged bytes only when a lookup found an asset of the same size.</summary>
    private async Task<string> Md5Async(DocumentToStore document, CancellationToken cancellationToken)
    {
        await using var stream = await staging.OpenReadAsync(document.StagingKey, 0, cancellationToken);
#pragma warning disable CA5351 // Cloudinary's etag is the MD5 of the stored bytes: a comparison, not a security use.
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken));
#pragma warning restore CA5351
    }

    private async Task<UploadResponse> SendChunksAsync(DocumentToStore document, CancellationToken cancellationToken)
    {
        UploadResponse? last = null;
        for (long start = 0; start < document.Length; start += _options.ChunkSizeBytes)
        {
            var length = Math.Min(_options.ChunkSizeBytes, document.Length - start);
            last = await SendAsync(document, start, length, chunked: true, cancellationToken);
        }

        return last is { Done: not false, PublicId: not null }
            ? last
            : throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary did not complete the chunked upload after its last chunk.", isTransient: true, outcomeUnknown: true);
    }

    private async Task<UploadResponse> SendAsync(DocumentToStore document, long start, long length, bool chunked, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, UploadUri());
        request.Content = BuildForm(document, start, length);
        if (chunked)
        {
            request.Headers.Add("X-Unique-Upload-Id", document.ChunkedUploadId);
            request.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1, document.Length);
        }

        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, body, isUpload: true);
        }

        return Parse(body);
    }

    private static UploadResponse Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, CloudinaryJsonContext.Default.UploadResponse)
                ?? throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary answered an empty body.", isTransient: true, outcomeUnknown: true);
        }
        catch (JsonException ex)
        {
            throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary answered a body that is not JSON.", isTransient: true, ex, outcomeUnknown: true);
        }
    }

    private StoredAsset Asset(UploadResponse response, DocumentToStore document) => new()
    {
        Provider = Provider,
        PublicId = response.PublicId ?? document.PublicId,
        ResourceType = response.ResourceType ?? ResourceType,
        Version = response.Version,
        Bytes = response.Bytes,
        SecureUrl = response.SecureUrl ?? throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary answered without a secure_url.", isTransient: true, outcomeUnknown: true),
        AssetId = response.AssetId,
    };

    private string ApiBase() => $"{_options.UploadPrefix.AbsoluteUri.TrimEnd('/')}/v1_1/{Uri.EscapeDataString(_options.CloudName!)}";

    private Uri UploadUri() => new($"{ApiBase()}/{ResourceType}/upload");

    private Uri ResourceUri(string publicId) =>
        new($"{ApiBase()}/resources/{ResourceType}/{DeliveryType}/{string.Join('/', publicId.Split('/').Select(Uri.EscapeDataString))}");

    private MultipartFormDataContent BuildForm(DocumentToStore document, long start, long length)
    {
        // The signature algorithm is the account's setting, never a form field: Cloudinary does not sign it.
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["public_id"] = document.PublicId,
            ["asset_folder"] = _options.Folder,
            ["overwrite"] = "true",
            ["context"] = $"session_id={document.SessionId}|sha256={document.Sha256}",
            ["timestamp"] = timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        var signature = CloudinarySignature.Sign(parameters, _options.ApiSecret!, _options.SignatureAlgorithm);

        var form = new MultipartFormDataContent();
        foreach (var (name, value) in parameters)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new StringContent(_options.ApiKey!), "api_key");
        form.Add(new StringContent(signature), "signature");
        var file = new StagedRangeContent(staging, document.StagingKey, start, length);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", Path.GetFileName(document.PublicId));
        return form;
    }

    private static DocumentStoreException Failure(HttpStatusCode status, string body, bool isUpload)
    {
        var code = (int)status;
        // 5xx from Cloudinary's load balancer is an HTML page, not JSON: read the message only where there is one.
        var message = TryReadErrorMessage(body) ?? $"Cloudinary answered {code} {status}.";
        var kind = CloudinaryFailurePolicy.Classify(status, isUpload);
        return new DocumentStoreException(
            CloudinaryFailurePolicy.IsRateLimited(status) ? "cloudinary_rate_limited"
                : kind == CloudinaryFailureKind.Refused ? "cloudinary_rejected"
                : "cloudinary_unavailable",
            message,
            CloudinaryFailurePolicy.IsTransient(kind),
            outcomeUnknown: kind == CloudinaryFailureKind.OutcomeUnknown);
    }

    private static DocumentStoreException RateLimited(TimeSpan wait) => new(
        "cloudinary_rate_limited",
        $"Cloudinary's Admin API is over its hourly limit; lookups wait {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s.",
        isTransient: true);

    private static string? TryReadErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, CloudinaryJsonContext.Default.ErrorResponse)?.Error?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: {PublicId} was already stored with these bytes; adopted on attempt {Attempt} instead of uploading again")]
    private partial void LogAdopted(string sessionId, string publicId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: {PublicId} holds other bytes ({StoredBytes} stored, {StagedBytes} staged); uploading over it")]
    private partial void LogDiffers(string sessionId, string publicId, long storedBytes, long stagedBytes);

    internal sealed record UploadResponse(
        [property: JsonPropertyName("asset_id")] string? AssetId,
        [property: JsonPropertyName("public_id")] string? PublicId,
        [property: JsonPropertyName("version")] long Version,
        [property: JsonPropertyName("resource_type")] string? ResourceType,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("etag")] string? Etag,
        [property: JsonPropertyName("secure_url")] string? SecureUrl,
        [property: JsonPropertyName("done")] bool? Done);

    internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorBody? Error);

    internal sealed record ErrorBody([property: JsonPropertyName("message")] string? Message);
}

[JsonSerializable(typeof(CloudinaryDocumentStore.UploadResponse))]
[JsonSerializable(typeof(CloudinaryDocumentStore.ErrorResponse))]
internal sealed partial class CloudinaryJsonContext : JsonSerializerContext;
