using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using UploadProxy.Grains.Staging;
using UploadProxy.Grains.Storage;

namespace UploadProxy.Grains.Cloudinary;

/// <summary>
/// Stores documents with Cloudinary's signed Upload API as <c>raw</c> assets. Small documents go in one request;
/// larger ones in chunks that share an <c>X-Unique-Upload-Id</c>. Transport retries happen in the HttpClient's
/// resilience handler; what is still failing after them surfaces as a <see cref="DocumentStoreException"/>.
/// </summary>
public sealed class CloudinaryDocumentStore(
    HttpClient httpClient,
    IOptions<CloudinaryOptions> options,
    IDocumentStagingStore staging,
    TimeProvider timeProvider) : IDocumentStore
{
    public const string ResourceType = "raw";

    private readonly CloudinaryOptions _options = options.Value;

    public string Provider => "cloudinary";

    public async Task<StoredAsset> StoreAsync(DocumentToStore document, CancellationToken cancellationToken)
    {
        try
        {
            var response = document.Length <= _options.ChunkedUploadThresholdBytes
                ? await SendAsync(document, 0, document.Length, chunked: false, cancellationToken)
                : await SendChunksAsync(document, cancellationToken);

            return new StoredAsset
            {
                Provider = Provider,
                PublicId = response.PublicId ?? document.PublicId,
                ResourceType = response.ResourceType ?? ResourceType,
                Version = response.Version,
                Bytes = response.Bytes,
                SecureUrl = response.SecureUrl ?? throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary answered without a secure_url.", isTransient: true),
                AssetId = response.AssetId,
            };
        }
        catch (StagedDocumentMissingException ex)
        {
            throw new DocumentStoreException("staged_document_missing", ex.Message, isTransient: false, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DocumentStoreException("cloudinary_unreachable", $"Cloudinary could not be reached: {ex.Message}", isTransient: true, ex);
        }
        catch (Exception ex) when (ex is TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DocumentStoreException("cloudinary_timeout", "Cloudinary did not answer in time.", isTransient: true, ex);
        }
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
            : throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary did not complete the chunked upload after its last chunk.", isTransient: true);
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
            throw Failure(response.StatusCode, body);
        }

        return JsonSerializer.Deserialize(body, CloudinaryJsonContext.Default.UploadResponse)
            ?? throw new DocumentStoreException("cloudinary_bad_response", "Cloudinary answered an empty body.", isTransient: true);
    }

    private Uri UploadUri() =>
        new($"{_options.UploadPrefix.AbsoluteUri.TrimEnd('/')}/v1_1/{Uri.EscapeDataString(_options.CloudName!)}/{ResourceType}/upload");

    private MultipartFormDataContent BuildForm(DocumentToStore document, long start, long length)
    {
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["public_id"] = document.PublicId,
            ["overwrite"] = "true",
            ["context"] = $"session_id={document.SessionId}|sha256={document.Sha256}",
            ["timestamp"] = timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["signature_algorithm"] = _options.SignatureAlgorithm,
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

    private static DocumentStoreException Failure(HttpStatusCode status, string body)
    {
        var code = (int)status;
        // 5xx from Cloudinary's load balancer is an HTML page, not JSON: read the message only where there is one.
        var message = TryReadErrorMessage(body) ?? $"Cloudinary answered {code} {status}.";
        var transient = code is 408 or 420 or 429 or >= 500;
        return new DocumentStoreException(transient ? "cloudinary_unavailable" : "cloudinary_rejected", message, transient);
    }

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

    internal sealed record UploadResponse(
        [property: JsonPropertyName("asset_id")] string? AssetId,
        [property: JsonPropertyName("public_id")] string? PublicId,
        [property: JsonPropertyName("version")] long Version,
        [property: JsonPropertyName("resource_type")] string? ResourceType,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("secure_url")] string? SecureUrl,
        [property: JsonPropertyName("done")] bool? Done);

    internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorBody? Error);

    internal sealed record ErrorBody([property: JsonPropertyName("message")] string? Message);
}

[JsonSerializable(typeof(CloudinaryDocumentStore.UploadResponse))]
[JsonSerializable(typeof(CloudinaryDocumentStore.ErrorResponse))]
internal sealed partial class CloudinaryJsonContext : JsonSerializerContext;
