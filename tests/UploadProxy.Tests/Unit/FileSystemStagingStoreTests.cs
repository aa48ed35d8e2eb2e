using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Unit;

public sealed class FileSystemStagingStoreTests : IDisposable
{
    private readonly string _root = TestSettings.NewDataDirectory();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_send_cut_off_by_a_crash_is_swept_once_nothing_was_written_to_it_for_the_orphan_age()
    {
        var store = new FileSystemStagingStore(_root);
        // Never committed nor disposed: its gateway died mid-send.
        var cutOff = await store.BeginAsync(SessionId.New(), CancellationToken.None);
        await cutOff.WriteAsync(SamplePdf.Create(seed: 5), CancellationToken.None);
        var document = SamplePdf.Create(seed: 6);
        var committed = await store.StageAsync(SessionId.New(), document);

        var sweptTooEarly = await store.DeleteAbandonedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None);
        var swept = await store.DeleteAbandonedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None);

        Assert.Equal(0, sweptTooEarly);
        Assert.Equal(1, swept);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "incoming")));
        await using var stream = await store.OpenReadAsync(committed.StagingKey, 0, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(document, copy.ToArray());
    }
}
