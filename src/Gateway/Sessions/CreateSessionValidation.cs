using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Notion;
using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Gateway.Sessions;

/// <summary>
/// The limits of a <c>create</c> body (the contract's field limits), in one place; each refusal is a
/// 400 <c>invalid_request</c> whose detail names the field, so a client can tell what to fix.
/// </summary>
internal static partial class CreateSessionValidation
{
    public const int MaxBatchIdLength = 128;
    public const int MaxMetadataEntries = 20;
    public const int MaxMetadataKeyLength = 100;
    public const int MaxMetadataValueLength = 2000;

    /// <summary>Longest <c>Idempotency-Key</c>; longer keys are refused rather than cut, so two keys never collide.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    public static ProblemHttpResult? Problem(CreateSessionRequest body, GatewayOptions gateway, NotionClient notion, NotionOptions notionOptions)
    {
        if (body.Filename is { } fileName && DocumentNames.Problem(fileName) is { } fileNameProblem)
        {
            return ApiProblems.InvalidRequest(fileNameProblem);
        }

        if (body.ContentType is { } contentType && !contentType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.InvalidRequest("content_type must be application/pdf: the proxy stores PDF documents.");
        }

        switch (body.ContentLength)
        {
            case <= 0:
                return ApiProblems.InvalidRequest("content_length must be positive.");
            case { } length when length > gateway.MaxDocumentBytes:
                return ApiProblems.DocumentTooLarge(gateway.MaxDocumentBytes);
        }

        if (body.BatchId is { } batchId && !BatchIdFormat().IsMatch(batchId))
        {
            return ApiProblems.InvalidRequest($"batch_id must be 1 to {MaxBatchIdLength} letters, digits, '.', '_', ':' or '-'.");
        }

        if (body.Metadata is { } metadata && (MetadataLimitProblem(metadata) ?? NotionTypeProblem(metadata, notion, notionOptions)) is { } metadataProblem)
        {
            return ApiProblems.InvalidRequest(metadataProblem);
        }

        return null;
    }

    public const int MaxWebhookUrlLength = 2000;

    /// <summary>
    /// Why a session's <c>webhook_url</c> is refused, or null when it may be used: it must be an absolute http(s) URL
    /// on a host of <c>Webhooks:AllowedHosts</c>, so that nobody can make the gateway post to an address of their
    /// choosing (the internal network, a cloud metadata endpoint).
    /// </summary>
    public static string? WebhookUrlProblem(string url, WebhookOptions webhooks) =>
        url.Length > MaxWebhookUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            ? $"webhook_url must be an absolute http or https URL of at most {MaxWebhookUrlLength} characters."
            : !webhooks.AllowsSessionUrl(uri)
                ? $"webhook_url's host '{uri.Host}' is not one of Webhooks:AllowedHosts; ask the operator to allow it."
                : null;

    /// <summary>Why an <c>Idempotency-Key</c> header is refused, or null when it is usable.</summary>
    public static string? IdempotencyKeyProblem(string key) => key switch
    {
        { Length: 0 } => "Idempotency-Key is empty.",
        { Length: > MaxIdempotencyKeyLength } => $"Idempotency-Key is longer than {MaxIdempotencyKeyLength} characters.",
        _ when key.Any(char.IsControl) => "Idempotency-Key contains control characters.",
        _ => null,
    };

    private static string? MetadataLimitProblem(Dictionary<string, string> metadata)
    {
        if (metadata.Count > MaxMetadataEntries)
        {
            return $"metadata holds at most {MaxMetadataEntries} entries.";
        }

        if (metadata.Any(entry => entry.Key.Length is 0 or > MaxMetadataKeyLength || entry.Value is null))
        {
            return $"metadata keys are 1 to {MaxMetadataKeyLength} characters and values are strings of at most {MaxMetadataValueLength}.";
        }

        if (metadata.FirstOrDefault(entry => entry.Value.Length > MaxMetadataValueLength) is { Key: { } longKey, Value: { } longValue })
        {
            return $"metadata '{longKey}' has {longValue.Length} characters, over the {MaxMetadataValueLength} of a Notion text.";
        }

        return null;
    }

    /// <summary>
    /// A metadata value that cannot fill the Notion property its key names (a number that is not finite, a date that is
    /// not ISO 8601, text over 2000 characters, …), checked against the database's schema as this process last read
    /// it. Until the schema has been read (it is read at start, and asked for here), nothing is refused here: a value
    /// that does not fit then ends linking <c>failed</c>, naming the key, when the row is built.
    /// </summary>
    private static string? NotionTypeProblem(Dictionary<string, string> metadata, NotionClient notion, NotionOptions options)
    {
        if (metadata.Count == 0 || !options.IsConfigured)
        {
            return null;
        }

        if (notion.KnownDatabase is not { } database)
        {
            // Read it for the next create; this one is not held up by Notion.
            notion.GetDatabaseAsync(CancellationToken.None).Ignore();
            return null;
        }

        var own = NotionProperties.OwnProperties(options.Properties);
        foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!own.Contains(key) && database.PropertyTypes.TryGetValue(key, out var type) && NotionProperties.MetadataProblem(key, value, type) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    // Colons let a batch id carry a namespace ("ocr:2026-11-26"); it stays safe in a URL path segment once escaped.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex BatchIdFormat();
}
