using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Persistence;

/// <summary>The one-machine mode: where its embedded database, staged bytes and local documents live.</summary>
public sealed class StandaloneOptions
{
    public const string SectionName = "Standalone";

    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Where clients reach the gateway, for the absolute URLs of locally stored documents in Notion rows.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    public string DatabasePath => Path.Combine(DataDirectory, "uploadproxy.db");
    public string StagingDirectory => Path.Combine(DataDirectory, "staging");
    public string DocumentsDirectory => Path.Combine(DataDirectory, "documents");
}
