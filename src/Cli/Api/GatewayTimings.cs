namespace UploadProxy.Cli.Api;

/// <summary>How long the client waits between retries and polls, and for one request.</summary>
internal sealed record GatewayTimings
{
    public static GatewayTimings Default { get; } = new();

    public int MaxAttempts { get; init; } = 8;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan PollInitialInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan PollMaxInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
