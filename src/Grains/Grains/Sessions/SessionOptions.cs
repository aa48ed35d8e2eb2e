using System.ComponentModel.DataAnnotations;
using UploadProxy.Integrations;

namespace UploadProxy.Grains.Sessions;

public sealed class SessionOptions : IValidatableObject
{
    public const string SectionName = "Sessions";

    /// <summary>How long a created session waits for its document before it expires.</summary>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Period of the durable reminder that resumes unfinished work after a crash.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First wait before the session retries a store that failed transiently; it doubles up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often staged bytes that no session needs any more are looked for (a crash between "stored" and the delete leaves some).</summary>
    public TimeSpan StagingSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Only staged bytes older than this are swept, so a send between staging and its grain call is never disturbed.</summary>
    public TimeSpan StagingOrphanAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before the next attempt after <paramref name="failures"/> transient failures in a row: doubling, capped, jittered.</summary>
    public TimeSpan RetryDelay(int failures) => Backoff.Delay(RetryBaseDelay, RetryMaxDelay, failures);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PendingLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("PendingLifetime must be positive.", [nameof(PendingLifetime)]);
        }

        if (RecoveryInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("RecoveryInterval must be at least one second.", [nameof(RecoveryInterval)]);
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("RetryBaseDelay must be positive and no more than RetryMaxDelay.", [nameof(RetryBaseDelay)]);
        }
    }
}
