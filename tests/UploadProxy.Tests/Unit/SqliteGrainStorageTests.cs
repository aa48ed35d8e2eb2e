using Orleans.Storage;
using UploadProxy.Persistence.Sqlite;

namespace UploadProxy.Tests.Unit;

/// <summary>The embedded store commits writes in groups: each write must still be durable and checked on its own.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private const string StateName = "session";
    private readonly string _directory = Directory.CreateTempSubdirectory("upload-proxy-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "uploadproxy.db");

    [Fact]
    public async Task Concurrent_writes_are_all_committed_and_read_back_after_a_reopen()
    {
        using (var database = new SqliteDatabase(DatabasePath))
        {
            var storage = new SqliteGrainStorage(database, new JsonStateSerializer());
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            {
                var state = new GrainState<Counter>(new Counter(i));
                await storage.WriteStateAsync(StateName, GrainOf(i), state);
                state.State = new Counter(i * 10);
                await storage.WriteStateAsync(StateName, GrainOf(i), state);
            }));
        }

        using var reopened = new SqliteDatabase(DatabasePath);
        var reader = new SqliteGrainStorage(reopened, new JsonStateSerializer());
        for (var i = 0; i < 200; i++)
        {
            var state = new GrainState<Counter>();
            await reader.ReadStateAsync(StateName, GrainOf(i), state);
            Assert.True(state.RecordExists);
            Assert.Equal(i * 10, state.State!.Value);
            Assert.Equal("2", state.ETag);
        }
    }

    [Fact]
    public async Task A_stale_write_is_refused_without_failing_the_writes_committed_with_it()
    {
        using var database = new SqliteDatabase(DatabasePath);
        var storage = new SqliteGrainStorage(database, new JsonStateSerializer());
        var current = new GrainState<Counter>(new Counter(1));
        await storage.WriteStateAsync(StateName, GrainOf(0), current);
        var stale = new GrainState<Counter>(new Counter(2)) { ETag = current.ETag };
        await storage.WriteStateAsync(StateName, GrainOf(0), current);

        var others = Enumerable.Range(1, 50).Select(i => storage.WriteStateAsync(StateName, GrainOf(i), new GrainState<Counter>(new Counter(i)))).ToList();
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, GrainOf(0), stale));
        await Task.WhenAll(others);

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync(StateName, GrainOf(0), read);
        Assert.Equal(1, read.State!.Value);
        for (var i = 1; i <= 50; i++)
        {
            await storage.ReadStateAsync(StateName, GrainOf(i), read);
            Assert.Equal(i, read.State!.Value);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static GrainId GrainOf(int i) => GrainId.Create("session", $"grain-{i}");

    public sealed record Counter(int Value)
    {
        public Counter()
            : this(0)
        {
        }
    }

    private sealed class JsonStateSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
