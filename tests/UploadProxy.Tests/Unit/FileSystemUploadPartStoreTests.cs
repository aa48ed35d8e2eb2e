using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Unit;

public sealed class FileSystemUploadPartStoreTests : IDisposable
{
    private readonly string _root = TestSettings.NewDataDirectory();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Only_parts_nothing_was_written_to_since_the_cutoff_are_listed_for_the_sweep()
    {
        var store = new FileSystemUploadPartStore(_root);
        var idle = SessionId.New();
        var active = SessionId.New();
        foreach (var id in (string[])[idle, active])
        {
            await using var writer = await store.OpenAtAsync(id, 0, CancellationToken.None);
            await writer.WriteAsync(SamplePdf.Create(seed: 9), CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        // The idle part's last PATCH was two hours ago; a staged document beside the parts is not a part.
        File.SetLastWriteTimeUtc(Path.Combine(_root, "tus", idle + ".part"), DateTime.UtcNow.AddHours(-2));
        await new FileSystemStagingStore(_root).StageAsync(SessionId.New(), SamplePdf.Create(seed: 10));

        var listed = await store.ListUntouchedSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None).ToListAsync();

        Assert.Equal([idle], listed);
    }
}
