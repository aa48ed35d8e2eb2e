namespace UploadProxy.Grains.Batches;

/// <summary>
/// Per-minute counts of a batch's documents that became stored and that became linked, over the last
/// <see cref="Minutes"/> minutes: what the dashboard draws and what the operator reads a batch's pace from. Kept in the
/// batch's header (<see cref="BatchState.Throughput"/>), which is written at every flush anyway, so a batch grain that
/// was deactivated or moved to another silo still shows the last half hour.
/// </summary>
internal static class BatchThroughput
{
    public const int Minutes = 30;

    /// <summary>Counts one session's report: stored when it reached uploaded or linked, linked when its Notion row was written.</summary>
    public static void Count(List<BatchMinute> ring, BatchSessionEntry? previous, BatchSessionEntry entry, DateTimeOffset now)
    {
        var stored = IsStored(entry) && (previous is null || !IsStored(previous));
        var linked = entry.NotionStatus == NotionLinkStatus.Linked && previous?.NotionStatus != NotionLinkStatus.Linked;
        if (!stored && !linked)
        {
            return;
        }

        var minute = MinuteOf(now);
        var last = ring.Count - 1;
        if (last >= 0 && ring[last].Minute == minute)
        {
            ring[last] = ring[last] with { Stored = ring[last].Stored + (stored ? 1 : 0), Linked = ring[last].Linked + (linked ? 1 : 0) };
        }
        else
        {
            ring.Add(new BatchMinute(minute, stored ? 1 : 0, linked ? 1 : 0));
        }

        ring.RemoveAll(m => m.Minute <= minute.AddMinutes(-Minutes));
    }

    /// <summary>The last <see cref="Minutes"/> minutes up to <paramref name="now"/>'s, oldest first, the quiet ones as zeros.</summary>
    public static IReadOnlyList<BatchMinute> Last(List<BatchMinute> ring, DateTimeOffset now)
    {
        var current = MinuteOf(now);
        var kept = ring.ToDictionary(m => m.Minute);
        var minutes = new BatchMinute[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            var minute = current.AddMinutes(i - Minutes + 1);
            minutes[i] = kept.GetValueOrDefault(minute) ?? new BatchMinute(minute, 0, 0);
        }

        return minutes;
    }

    private static bool IsStored(BatchSessionEntry entry) => entry.Status is SessionStatus.Uploaded or SessionStatus.Linked;

    private static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }
}
