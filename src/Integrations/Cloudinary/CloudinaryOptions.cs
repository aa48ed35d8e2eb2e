using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Integrations.Cloudinary;

/// <summary>Where and how documents are stored on Cloudinary. Without credentials, storage is local.</summary>
public sealed class CloudinaryOptions : IValidatableObject
{
    public const string SectionName = "Cloudinary";

    /// <summary>Cloudinary refuses a file over 100 MB sent in one request.</summary>
    public const long MaxUnchunkedBytes = 100L * 1024 * 1024;

    public string? CloudName { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }

    [Required]
    public Uri UploadPrefix { get; set; } = new("https://api.cloudinary.com");

    /// <summary>Prefix of every public id, and the <c>asset_folder</c> (Media Library folder) of dynamic-folder accounts; also the folder of local storage.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$", ErrorMessage = "Folder must be path segments of letters, digits, '-' or '_', without leading or trailing '/'.")]
    public string Folder { get; set; } = "dashboard-documents";

    /// <summary>
    /// The digest the account verifies signatures with (its setting at Cloudinary, SHA-1 unless changed there). It is
    /// never sent: Cloudinary takes no such parameter.
    /// </summary>
    [RegularExpression("^(sha1|sha256)$")]
    public string SignatureAlgorithm { get; set; } = "sha1";

    /// <summary>Documents above this size go through the chunked upload protocol, which Cloudinary requires above 100 MB.</summary>
    [Range(5 * 1024 * 1024, MaxUnchunkedBytes)]
    public long ChunkedUploadThresholdBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Cloudinary requires at least 5 MB for every chunk but the last.</summary>
    [Range(5 * 1024 * 1024, long.MaxValue)]
    public long ChunkSizeBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>
    /// Documents one process (a silo) stores at once, whatever the number of clients waiting: the rest queue, fairly
    /// across batches (<see cref="Storage.UploadSlots"/>).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentUploads { get; set; } = 32;

    /// <summary>How long one HTTP request (one chunk, or a whole small document) may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Transport retries of one request before the session's own backoff takes over.</summary>
    [Range(0, 10)]
    public int TransportRetries { get; set; } = 3;

    public TimeSpan TransportRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsConfigured =>
        !string.IsNullOrEmpty(CloudName) && !string.IsNullOrEmpty(ApiKey) && !string.IsNullOrEmpty(ApiSecret);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var given = new[] { CloudName, ApiKey, ApiSecret }.Count(v => !string.IsNullOrEmpty(v));
        if (given is not 0 and not 3)
        {
            yield return new ValidationResult(
                "Cloudinary needs CloudName, ApiKey and ApiSecret together (or CLOUDINARY_URL); set all three or none for local storage.");
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("AttemptTimeout must be positive.", [nameof(AttemptTimeout)]);
        }
    }
}
