using Microsoft.AspNetCore.Http.HttpResults;
using UploadProxy.Grains;
using UploadProxy.Grains.Contract;

namespace UploadProxy.Gateway;

/// <summary>The error table of the HTTP contract: each error is problem+json with a machine-readable <c>code</c>.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult InvalidRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "invalid_request", "The request is invalid.", detail);

    public static ProblemHttpResult SessionNotFound() => Problem(StatusCodes.Status404NotFound, "session_not_found", "No such upload session.", null);

    public static ProblemHttpResult BatchNotFound() => Problem(StatusCodes.Status404NotFound, "batch_not_found", "No such batch.", "No session was created with this batch_id.");

    public static ProblemHttpResult SessionConflict() => Problem(StatusCodes.Status409Conflict, "session_conflict",
        "The session already holds another document.", "Other bytes were sent to a session that already has a document; open a new session for them.");

    public static ProblemHttpResult NothingToRetry(NotionLinkStatus status) => Problem(StatusCodes.Status409Conflict, "session_conflict",
        "Nothing to retry.", $"Only a session whose Notion linking failed can be retried; its linking is {status.ToString().ToLowerInvariant()}.");

    public static ProblemHttpResult SessionExpired() => Problem(StatusCodes.Status410Gone, "session_expired",
        "The upload session has expired.", "No document was sent before the session expired; open a new session.");

    public static ProblemHttpResult DocumentTooLarge(long limit) => Problem(StatusCodes.Status413PayloadTooLarge, "document_too_large",
        "The document is too large.", $"Documents are limited to {limit} bytes.");

    public static ProblemHttpResult UnsupportedDocument() => Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_document",
        "The document is not a PDF.", "A PDF starts with the bytes '%PDF-'.");

    public static ProblemHttpResult UploadFailed(SessionResource session) => Problem(StatusCodes.Status502BadGateway, "upload_failed",
        "The document could not be stored.", session.Error?.Message, new() { ["session"] = session });

    public static ProblemHttpResult Unauthorized() => Problem(StatusCodes.Status401Unauthorized, "unauthorized",
        "An API key is required.", "Send the key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

    public static ProblemHttpResult RateLimited(int retryAfterSeconds) => Problem(StatusCodes.Status429TooManyRequests, "rate_limited",
        "Too many requests.", $"This key passed the gateway's rate limit; retry after {retryAfterSeconds} s.");

    public static ProblemHttpResult TooManyEventStreams(int retryAfterSeconds) => Problem(StatusCodes.Status429TooManyRequests, "rate_limited",
        "Too many event streams.", $"This key, or the gateway, holds as many event streams open as it may; close one or retry after {retryAfterSeconds} s.");

    public static ProblemHttpResult BatchFull(int maxSessions) => Problem(StatusCodes.Status409Conflict, "batch_full",
        "The batch is full.", $"A batch holds at most {maxSessions} sessions; start another batch_id.");

    public static ProblemHttpResult ClusterUnavailable() => Problem(StatusCodes.Status503ServiceUnavailable, "cluster_unavailable",
        "No silo answered.", "The cluster is starting, stopping or unreachable; retry shortly.");

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "forbidden",
        "This request is not allowed.", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
        "The body's media type is not accepted here.", detail);

    public static ProblemHttpResult RequestTooLarge(long limit) => Problem(StatusCodes.Status413PayloadTooLarge, "request_too_large",
        "The request body is too large.", $"A create body is limited to {limit} bytes.");

    public static ProblemHttpResult NotFound() => Problem(StatusCodes.Status404NotFound, "not_found", "No such route.", null);

    public static ProblemHttpResult MethodNotAllowed() => Problem(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
        "The method is not allowed on this route.", "The Allow header lists the methods this route takes.");

    public static ProblemHttpResult IdempotencyKeyReused() => Problem(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
        "The Idempotency-Key was used with another body.", "A key stands for one request for 24 h; send a new key for another body.");

    /// <summary>A fault of the server's own: never the exception's text, only the trace id every problem carries, to find it in the logs.</summary>
    public static ProblemHttpResult InternalError() => Problem(StatusCodes.Status500InternalServerError, "internal_error",
        "The server failed.", "The fault is logged under this answer's trace_id.");

    /// <summary>The gateway could not stage the bytes: its disk is full. Not the client's fault, and no path is shown.</summary>
    public static ProblemHttpResult InsufficientStorage() => Problem(StatusCodes.Status507InsufficientStorage, "insufficient_storage",
        "The gateway cannot store the document now.", "The gateway's staging space is full; retry later.");

    /// <summary>The problem for an /api answer that has a status and no body of its own (routing, binding), if the table has a row.</summary>
    public static ProblemHttpResult? ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest("The request could not be read: a header, route or query value has the wrong shape."),
        StatusCodes.Status404NotFound => NotFound(),
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed(),
        StatusCodes.Status413PayloadTooLarge => Problem(status, "request_too_large", "The request body is too large.", null),
        StatusCodes.Status415UnsupportedMediaType => Problem(status, "unsupported_media_type", "The content type is not supported.", null),
        StatusCodes.Status500InternalServerError => InternalError(),
        StatusCodes.Status503ServiceUnavailable => ClusterUnavailable(),
        _ => null,
    };

    // Resumable uploads (tus): issue 13.
    public static ProblemHttpResult TusVersionUnsupported() => Problem(StatusCodes.Status412PreconditionFailed, "tus_version_unsupported",
        "Unsupported tus version.", "Send 'Tus-Resumable: 1.0.0'; the versions this server speaks are in 'Tus-Version'.");

    public static ProblemHttpResult TusContentTypeUnsupported() => Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
        "A PATCH carries application/offset+octet-stream.", "Send the bytes with 'Content-Type: application/offset+octet-stream'.");

    public static ProblemHttpResult OffsetMismatch(long offset) => Problem(StatusCodes.Status409Conflict, "offset_mismatch",
        "The offset is not the upload's.", $"The upload holds {offset} bytes: ask its offset (HEAD) and continue from there.");

    public static ProblemHttpResult UploadLocked() => Problem(StatusCodes.Status423Locked, "upload_locked",
        "Another PATCH is writing this upload.", "Retry once it has ended.");

    public static ProblemHttpResult UploadLengthExceeded(long length) => Problem(StatusCodes.Status413PayloadTooLarge, "upload_length_exceeded",
        "The body passes the upload's length.", $"The upload has Upload-Length {length}; nothing of this body was kept.");

    public static ProblemHttpResult ChecksumMismatch() => Problem(460, "checksum_mismatch",
        "The body does not match its Upload-Checksum.", "Nothing of this body was kept; send it again.");

    public static ProblemHttpResult UploadFinished() => Problem(StatusCodes.Status409Conflict, "session_conflict",
        "The upload is finished.", "All its bytes were received: it can no longer be written to or terminated.");

    private static ProblemHttpResult Problem(int status, string code, string title, string? detail, Dictionary<string, object?>? extra = null)
    {
        var extensions = extra ?? [];
        extensions["code"] = code;
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }
}
