using UploadProxy.Grains;
using UploadProxy.Grains.Batches;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Grains;

public sealed class BatchGrainTests(UploadSessionClusterFixture fixture) : IClassFixture<UploadSessionClusterFixture>
{
    [Fact]
    public async Task A_batch_of_many_pages_is_whole_again_after_its_grain_was_collected()
    {
        const int sessionCount = (2 * BatchPage.Capacity) + 123;
        var batch = fixture.Cluster.Client.GetGrain<IBatchGrain>($"pages-{Guid.NewGuid():N}");
        var sent = DateTimeOffset.UtcNow;
        for (var i = 0; i < sessionCount; i++)
        {
            await batch.TrackAsync(Entry(i, SessionStatus.Pending, sent));
        }

        // The first half moves on, so that pages written earlier are written again.
        for (var i = 0; i < sessionCount / 2; i++)
        {
            await batch.TrackAsync(Entry(i, SessionStatus.Uploaded, sent.AddSeconds(1)));
        }

        var before = await WaitForAsync(batch, sessionCount);
        var joinedBefore = await ReadPagesAsync(batch);
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        Assert.DoesNotContain(await management.GetSimpleGrainStatistics(), s => s.GrainType.Contains($".{nameof(BatchGrain)}", StringComparison.Ordinal) && s.ActivationCount > 0);

        var after = await batch.GetAsync();

        Assert.NotNull(after);
        Assert.Equal(sessionCount, after.Summary.Total);
        Assert.Equal(sessionCount / 2, after.Summary.Counts[SessionStatus.Uploaded]);
        Assert.Equal(sessionCount - (sessionCount / 2), after.Summary.Counts[SessionStatus.Pending]);
        Assert.Equal(before.Sessions.Select(s => (s.SessionId, s.Status)), after.Sessions.Select(s => (s.SessionId, s.Status)));

        // The order sessions joined in, which cursors count in, is the same after the batch was read back from storage.
        Assert.Equal(sessionCount, joinedBefore.Count);
        Assert.Equal(joinedBefore, await ReadPagesAsync(batch));
    }

    [Fact]
    public async Task Stored_and_linked_documents_are_counted_once_per_transition_and_kept_after_the_grain_was_collected()
    {
        var batch = fixture.Cluster.Client.GetGrain<IBatchGrain>($"pace-{Guid.NewGuid():N}");
        var sent = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            await batch.TrackAsync(Entry(i, SessionStatus.Pending, sent) with { NotionStatus = NotionLinkStatus.Pending });
            await batch.TrackAsync(Entry(i, SessionStatus.Uploaded, sent.AddSeconds(1)) with { NotionStatus = NotionLinkStatus.Pending });
        }

        // A report sent again (a session resuming after a crash reports its state anew) is no new transition.
        await batch.TrackAsync(Entry(0, SessionStatus.Uploaded, sent.AddSeconds(1)) with { NotionStatus = NotionLinkStatus.Pending });
        await batch.TrackAsync(Entry(0, SessionStatus.Linked, sent.AddSeconds(2)) with { NotionStatus = NotionLinkStatus.Linked });
        await batch.TrackAsync(Entry(1, SessionStatus.Uploaded, sent.AddSeconds(2)) with { NotionStatus = NotionLinkStatus.Failed });

        var before = await Eventually.UntilAsync(
            "the batch to see every report",
            () => batch.GetPageAsync(new BatchPageQuery(0, 0, Status: null)),
            page => page?.Summary.Counts[SessionStatus.Linked] == 1 && page.Summary.LinkFailed == 1,
            TimeSpan.FromSeconds(30));
        Assert.Equal(30, before!.Throughput.Count);
        Assert.Equal((3, 1), (before.Throughput.Sum(m => m.Stored), before.Throughput.Sum(m => m.Linked)));
        Assert.Equal(1, before.Summary.AwaitingLink);
        Assert.Equal(["session-00001"], await batch.GetFailedLinksAsync());

        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var after = await batch.GetPageAsync(new BatchPageQuery(0, 0, Status: null));

        // Sums, not minutes: a minute may have begun since, and the window moved on with it.
        Assert.Equal((3, 1), (after!.Throughput.Sum(m => m.Stored), after.Throughput.Sum(m => m.Linked)));
        Assert.Equal((1, 1), (after.Summary.AwaitingLink, after.Summary.LinkFailed));
    }

    private static async Task<List<string>> ReadPagesAsync(IBatchGrain batch)
    {
        var ids = new List<string>();
        for (int? position = 0; position is { } start;)
        {
            var page = (await batch.GetPageAsync(new BatchPageQuery(start, 400, Status: null)))!;
            ids.AddRange(page.Sessions.Select(s => s.SessionId));
            position = page.NextPosition;
        }

        return ids;
    }

    private static BatchSessionEntry Entry(int i, SessionStatus status, DateTimeOffset updated) => new()
    {
        SessionId = $"session-{i:D5}",
        Status = status,
        FileName = $"document-{i:D5}.pdf",
        UpdatedTime = updated,
    };

    private static async Task<BatchSnapshot> WaitForAsync(IBatchGrain batch, int sessionCount) =>
        (await Eventually.UntilAsync(
            $"the batch to hold {sessionCount} sessions, half of them uploaded",
            batch.GetAsync,
            snapshot => snapshot is not null
                && snapshot.Summary.Total == sessionCount
                && snapshot.Summary.Counts[SessionStatus.Uploaded] == sessionCount / 2,
            TimeSpan.FromSeconds(60),
            snapshot => $"{snapshot?.Summary.Total} sessions"))!;
}
