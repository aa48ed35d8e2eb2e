using System.Collections.Concurrent;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Upload;

/// <summary>What one <c>upload</c> run was asked to do.</summary>
internal sealed record UploadPlan(string BatchId, int Concurrency, TimeSpan WaitLimit, bool Resumable = false, long ChunkSize = UploadPlan.DefaultChunkSize)
{
    /// <summary>5 MiB: what tus clients commonly use, and at most that much is sent again after a cut.</summary>
    public const long DefaultChunkSize = 5 * 1024 * 1024;
}

/// <summary>
/// Sends each file's bytes at most once per run and, through the manifest, across runs: a file whose
/// SHA-256 already has a session is resumed (polled, or sent to that same session if the gateway never
/// got it), and a new session is opened only when there is none, or when the old one failed or expired.
/// </summary>
internal sealed class BatchUploader(
    GatewayClient client,
    ManifestStore manifest,
    UploadProgress progress,
    UploadPlan plan,
    GatewayTimings timings,
    TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _transferSlots = new(plan.Concurrency, plan.Concurrency);

    // Waiting costs the gateway one small GET per poll, so more files may wait than transfer at once.
    private readonly SemaphoreSlim _waitSlots = new(plan.Concurrency * 4, plan.Concurrency * 4);

    private readonly ResumableTransfer _resumable = new(new TusClient(client), manifest, plan, time);

    // Copies of the same bytes under other names share one upload.
    private readonly ConcurrentDictionary<string, Lazy<Task<ManifestEntry>>> _byContent = new(StringComparer.Ordinal);

    /// <summary>Uploads every file; per-file failures end in the manifest, only cancellation throws.</summary>
    public async Task RunAsync(IReadOnlyList<FileInfo> files, CancellationToken cancellationToken) =>
        await Task.WhenAll(files.Select(file => UploadFileAsync(file, cancellationToken)));

    private async Task UploadFileAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var entry = new ManifestEntry { Path = file.FullName, Bytes = file.Length, Status = SessionStatuses.Pending };
        string sha256;
        await _transferSlots.WaitAsync(cancellationToken);
        try
        {
            sha256 = await FileDigest.Sha256Async(file, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            progress.Skip(file);
            await manifest.PutAsync(Failed(entry, exception));
            return;
        }
        finally
        {
            _transferSlots.Release();
        }

        entry = entry with { Sha256 = sha256 };
        var upload = _byContent.GetOrAdd(sha256, _ => new Lazy<Task<ManifestEntry>>(() => UploadContentAsync(entry, file, cancellationToken)));
        var result = await upload.Value;
        if (result.Path != file.FullName)
        {
            progress.Skip(file);
            await manifest.PutAsync(result with { Path = file.FullName, Bytes = file.Length });
        }
    }

    private async Task<ManifestEntry> UploadContentAsync(ManifestEntry entry, FileInfo file, CancellationToken cancellationToken)
    {
        UploadProgress.FileTransfer? transfer = null;
        try
        {
            SessionResource? session = null;
            if (manifest.FindSession(entry.Sha256!) is { SessionId: { } knownId } known)
            {
                entry = known with { Path = entry.Path, Bytes = entry.Bytes };
                if (known is { IsFinished: true, IsStored: true })
                {
                    progress.Skip(file);
                    return known.Path == entry.Path ? known : await manifest.PutAsync(entry);
                }

                session = await ResumableSessionAsync(knownId, cancellationToken);
                entry = session is null
                    ? entry with { TusUrl = null } // a new session needs a new tus upload too
                    : await RecordAsync(entry, session);
            }

            await _transferSlots.WaitAsync(cancellationToken);
            try
            {
                transfer = progress.Start(file);
                if (session is null && !plan.Resumable)
                {
                    session = await client.CreateSessionAsync(new CreateSessionRequest(file.Name, plan.BatchId, file.Length), cancellationToken);
                    entry = await RecordAsync(entry, session);
                }

                // A file begun over tus is finished over tus, with or without --resumable on the rerun.
                if (session is null || (session.Status == SessionStatuses.Pending && entry.TusUrl is not null))
                {
                    entry = await _resumable.SendAsync(entry, file, transfer.Report, cancellationToken);
                    session = await client.GetSessionAsync(entry.SessionId!, cancellationToken);
                    entry = await RecordAsync(entry, session);
                }
                else if (session.Status == SessionStatuses.Pending)
                {
                    session = await client.SendDocumentAsync(session.Id, file, transfer.Report, cancellationToken);
                    entry = await RecordAsync(entry, session);
                }
            }
            finally
            {
                _transferSlots.Release();
            }

            entry = await WaitUntilFinishedAsync(entry, session, transfer, cancellationToken);
            transfer.Complete();
            return entry;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            if (transfer is null)
            {
                progress.Skip(file);
            }
            else
            {
                transfer.Complete();
            }

            return await manifest.PutAsync(Failed(entry, exception));
        }
    }

    /// <summary>The known session if it can still carry the file; null if a new one is needed.</summary>
    private async Task<SessionResource?> ResumableSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var session = await client.GetSessionAsync(sessionId, cancellationToken);
            return session is { IsFinished: true, IsStored: false } ? null : session;
        }
        catch (GatewayException exception) when (exception.StatusCode == 404)
        {
            return null;
        }
    }

    private async Task<ManifestEntry> WaitUntilFinishedAsync(
        ManifestEntry entry, SessionResource session, UploadProgress.FileTransfer transfer, CancellationToken cancellationToken)
    {
        if (session.IsFinished)
        {
            return entry;
        }

        await _waitSlots.WaitAsync(cancellationToken);
        try
        {
            var deadline = time.GetUtcNow() + plan.WaitLimit;
            var interval = timings.PollInitialInterval;
            while (!session.IsFinished)
            {
                transfer.Waiting(Describe(session));
                if (time.GetUtcNow() >= deadline)
                {
                    var message = $"Still {Describe(session)} after {plan.WaitLimit}; run the same command again to keep waiting.";
                    return await manifest.PutAsync(entry with { Error = new ManifestError("wait_timeout", message) });
                }

                await Task.Delay(interval, time, cancellationToken);
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, timings.PollMaxInterval.Ticks));
                var next = await client.GetSessionAsync(session.Id, cancellationToken);
                if (next.Status != session.Status || next.Notion?.Status != session.Notion?.Status)
                {
                    entry = await RecordAsync(entry, next);
                }

                session = next;
            }

            return entry;
        }
        finally
        {
            _waitSlots.Release();
        }
    }

    public void Dispose()
    {
        _transferSlots.Dispose();
        _waitSlots.Dispose();
    }

    private static string Describe(SessionResource session) =>
        session.Status == SessionStatuses.Uploaded ? "linking to Notion" : session.Status;

    /// <summary>The manifest keeps what the gateway reports, including the SHA-256 of the bytes it actually got.</summary>
    private Task<ManifestEntry> RecordAsync(ManifestEntry entry, SessionResource session) =>
        manifest.PutAsync(entry with
        {
            SessionId = session.Id,
            Sha256 = session.Sha256 ?? entry.Sha256,
            Status = session.Status,
            NotionStatus = session.Notion?.Status,
            Url = session.Url,
            NotionPageUrl = session.Notion?.PageUrl,
            Error = session.Error is { } error ? new ManifestError(error.Code ?? "error", error.Message ?? "") : null,
        });

    private static ManifestEntry Failed(ManifestEntry entry, Exception exception) => entry with
    {
        Status = SessionStatuses.Failed,
        Error = exception switch
        {
            GatewayException refused => new ManifestError(refused.Code, refused.Detail),
            HttpRequestException network => new ManifestError("network_error", network.Message),
            OperationCanceledException => new ManifestError("timeout", "The gateway did not answer in time."),
            IOException or UnauthorizedAccessException => new ManifestError("read_error", exception.Message),
            _ => new ManifestError("error", exception.Message),
        },
    };
}
