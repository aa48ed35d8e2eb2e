using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Grains.Hosting;

/// <summary>The one-machine mode: where its embedded database, staged bytes and local documents live.</summary>
public sealed class StandaloneOptions
{
    public const string SectionName = "Standalone";

    [Required]
    public string DataDirectory { get; set; } = "data";

    public string DatabasePath => Path.Combine(DataDirectory, "uploadproxy.db");
    public string StagingDirectory => Path.Combine(DataDirectory, "staging");
    public string DocumentsDirectory => Path.Combine(DataDirectory, "documents");
}
