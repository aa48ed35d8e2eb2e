using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Upload;

/// <summary>
/// Moves one file's bytes over tus (<c>upload --resumable</c>). The upload's URL is in the manifest before its first
/// byte is sent, so a rerun asks the gateway (<c>HEAD</c>) how far it got and sends only the rest; an upload the
/// gateway no longer has (404, 410) starts again from zero as a new upload.
/// </summary>
internal sealed class ResumableTransfer(TusClient tus, ManifestStore manifest, UploadPlan plan, TimeProvider time)
{
    // A run restarts a vanished upload at most this often, so a gateway that keeps losing it cannot loop us forever.
    private const int MaxRestarts = 2;

    /// <summary>Sends what the gateway lacks of the file; returns the entry with the upload's session and URL.</summary>
    public async Task<ManifestEntry> SendAsync(ManifestEntry entry, FileInfo file, Action<long> reportPosition, CancellationToken cancellationToken)
    {
        for (var restarts = 0; ; restarts++)
        {
            long offset;
            if (entry.TusUrl is { } known && await OffsetOrGoneAsync(new Uri(known), cancellationToken) is { } resumed)
            {
                offset = resumed;
            }
            else
            {
                var created = await tus.CreateAsync(file.Name, plan.BatchId, file.Length, cancellationToken);
                entry = await manifest.PutAsync(entry with
                {
                    SessionId = TusClient.SessionIdOf(created),
                    TusUrl = created.AbsoluteUri,
                    Status = SessionStatuses.Pending,
                    Error = null,
                });
                offset = 0;
            }

            reportPosition(offset);
            if (await PatchRestAsync(new Uri(entry.TusUrl!), file, offset, reportPosition, cancellationToken))
            {
                return entry;
            }

            if (restarts == MaxRestarts)
            {
                throw new GatewayException(410, "upload_gone", "The gateway lost the tus upload again and again; run the same command again.");
            }

            entry = entry with { TusUrl = null };
        }
    }

    /// <summary>PATCHes chunk after chunk up to the file's end; false when the upload vanished on the way.</summary>
    private async Task<bool> PatchRestAsync(Uri upload, FileInfo file, long offset, Action<long> reportPosition, CancellationToken cancellationToken)
    {
        var contested = 0;
        while (offset < file.Length)
        {
            try
            {
                offset = await tus.PatchAsync(upload, file, offset, Math.Min(plan.ChunkSize, file.Length - offset), reportPosition, cancellationToken);
                contested = 0;
            }
            catch (GatewayException exception) when (exception.StatusCode is 404 or 410)
            {
                return false;
            }
            catch (GatewayException exception) when (exception.StatusCode is 409 or 423 && ++contested < tus.MaxAttempts)
            {
                // 409: our offset is stale (an earlier attempt landed after all); 423: another PATCH still holds the
                // upload, e.g. one cut off whose lease has not lapsed yet. Either way the gateway's offset decides.
                if (exception.StatusCode == 423)
                {
                    await Task.Delay(tus.Backoff(contested), time, cancellationToken);
                }

                if (await OffsetOrGoneAsync(upload, cancellationToken) is not { } current)
                {
                    return false;
                }

                offset = current;
                reportPosition(offset);
            }
        }

        return true;
    }

    private async Task<long?> OffsetOrGoneAsync(Uri upload, CancellationToken cancellationToken)
    {
        try
        {
            return await tus.GetOffsetAsync(upload, cancellationToken);
        }
        catch (GatewayException exception) when (exception.StatusCode is 404 or 410)
        {
            return null;
        }
    }
}
