namespace UploadProxy.Cli.Api;

/// <summary>The session object of the gateway's HTTP contract, as far as the CLI reads it.</summary>
internal sealed record SessionResource
{
    public required string Id { get; init; }
    public required string Status { get; init; }
    public string? Filename { get; init; }
    public string? Sha256 { get; init; }
    public string? BatchId { get; init; }
    public string? Url { get; init; }
    public NotionResource? Notion { get; init; }
    public ErrorResource? Error { get; init; }

    public bool IsFinished => SessionStatuses.IsFinished(Status, Notion?.Status);

    public bool IsStored => SessionStatuses.IsStored(Status);
}

internal sealed record NotionResource(string? Status, string? PageId, string? PageUrl);

internal sealed record ErrorResource(string? Code, string? Message);

/// <summary>The optional body of <c>create</c>; null fields are left out.</summary>
internal sealed record CreateSessionRequest(string Filename, string BatchId, long ContentLength);

/// <summary><c>GET /api/batches/{batch_id}</c>.</summary>
internal sealed record BatchResource
{
    public required string Id { get; init; }
    public int Total { get; init; }
    public Dictionary<string, int> Counts { get; init; } = [];
    public List<BatchSessionResource> Sessions { get; init; } = [];

    /// <summary>Where the next page of sessions starts; null on the last page.</summary>
    public string? NextCursor { get; init; }

    public DateTimeOffset? UpdatedTime { get; init; }
}

internal sealed record BatchSessionResource(string Id, string Status, string? Filename, string? Url, string? NotionPageUrl);

/// <summary>An <c>application/problem+json</c> body.</summary>
internal sealed record ProblemResource(string? Code, string? Title, string? Detail);

/// <summary>The statuses of the contract and what they mean for a client that waits.</summary>
internal static class SessionStatuses
{
    public const string Pending = "pending";
    public const string Uploading = "uploading";
    public const string Uploaded = "uploaded";
    public const string Linked = "linked";
    public const string Failed = "failed";
    public const string Expired = "expired";

    /// <summary>
    /// <c>uploaded</c> is final unless Notion linking is still to come (<c>notion.status</c> pending);
    /// a gateway that reports no Notion status has no Notion.
    /// </summary>
    public static bool IsFinished(string status, string? notionStatus) => status switch
    {
        Linked or Failed or Expired => true,
        Uploaded => notionStatus is not "pending",
        _ => false,
    };

    public static bool IsStored(string status) => status is Uploaded or Linked;
}
