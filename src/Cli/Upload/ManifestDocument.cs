using System.Text.Json.Serialization;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Upload;

/// <summary>The upload state file, and the JSON manifest a run leaves: one entry per file.</summary>
internal sealed record ManifestDocument
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public string? Gateway { get; init; }
    public string? BatchId { get; init; }
    public DateTimeOffset UpdatedTime { get; init; }
    public List<ManifestEntry> Files { get; init; } = [];
}

/// <summary>
/// One file: its SHA-256, the session that carries it, and where that session last stood.
/// <see cref="Status"/> is the session's status, or <c>failed</c> when the gateway refused the file.
/// </summary>
internal sealed record ManifestEntry
{
    public required string Path { get; init; }
    public string? Sha256 { get; init; }
    public long Bytes { get; init; }
    public string? SessionId { get; init; }

    /// <summary>The tus upload carrying the file (<c>--resumable</c>), kept so that a rerun resumes it part-way.</summary>
    public string? TusUrl { get; init; }

    public required string Status { get; init; }
    public string? NotionStatus { get; init; }
    public string? Url { get; init; }
    public string? NotionPageUrl { get; init; }
    public ManifestError? Error { get; init; }
    public DateTimeOffset UpdatedTime { get; init; }

    [JsonIgnore]
    public bool IsFinished => SessionStatuses.IsFinished(Status, NotionStatus);

    [JsonIgnore]
    public bool IsStored => SessionStatuses.IsStored(Status);
}

internal sealed record ManifestError(string Code, string Message);
