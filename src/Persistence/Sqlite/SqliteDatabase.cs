using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace UploadProxy.Persistence.Sqlite;

/// <summary>
/// The embedded database of the one-machine mode: grain state and reminders in one SQLite file, in WAL mode with
/// full synchronous commits, so that what a call was answered for survives a killed process or machine.
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time and Microsoft.Data.Sqlite's async methods run synchronously, so writes from
/// grain turns would hold Orleans' threads through every fsync and queue in SQLite's busy handler. Instead, one
/// dedicated thread owns the write connection and commits every write queued meanwhile in one transaction (group
/// commit): one fsync covers them all, and no write is answered before its commit is on disk. Each write runs in its
/// own savepoint, so one that throws leaves the others of its transaction unharmed.
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    private const int MaxWritesPerCommit = 512;

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            etag INTEGER NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at TEXT NOT NULL,
            period_ms INTEGER NOT NULL,
            etag INTEGER NOT NULL,
            PRIMARY KEY (grain_id, reminder_name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS reminders_by_hash ON reminders (grain_hash);
        """;

    private readonly string _connectionString;
    private readonly BlockingCollection<IQueuedWrite> _writes = new();
    private readonly Thread _writer;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using (var connection = Open())
        {
            Execute(connection, Schema);
        }

        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "UploadProxy SQLite writer" };
        _writer.Start();
    }

    public string Path { get; }

    /// <summary>A connection for reads; WAL mode lets them run beside the writer.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // A read looks up one row by its key in a file the OS caches anyway; a small page cache per pooled
        // connection keeps many of them from holding SQLite's default 2 MiB each.
        Execute(connection, "PRAGMA busy_timeout = 30000; PRAGMA cache_size = -256;");
        return connection;
    }

    /// <summary>Runs <paramref name="write"/> on the writer thread and completes once its transaction is committed to disk.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> write)
    {
        var queued = new QueuedWrite<T>(write);
        try
        {
            _writes.Add(queued);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }

        return queued.Task;
    }

    public void Dispose()
    {
        // Writes already queued are still committed before the thread ends.
        _writes.CompleteAdding();
        _writer.Join();
        _writes.Dispose();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // FULL: a commit is on disk before it returns, so a power cut keeps every answered transition.
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private void WriteLoop()
    {
        using var connection = Open();
        var batch = new List<IQueuedWrite>(MaxWritesPerCommit);
        foreach (var first in _writes.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxWritesPerCommit && _writes.TryTake(out var next))
            {
                batch.Add(next);
            }

            Commit(connection, batch);
            batch.Clear();
        }
    }

    private static void Commit(SqliteConnection connection, List<IQueuedWrite> batch)
    {
        try
        {
            using (var transaction = connection.BeginTransaction())
            {
                foreach (var write in batch)
                {
                    transaction.Save("write");
                    try
                    {
                        write.Run(connection);
                        transaction.Release("write");
                    }
                    catch (Exception ex)
                    {
                        // Should the rollback itself fail (disk full, I/O error), the whole transaction fails below.
                        transaction.Rollback("write");
                        transaction.Release("write");
                        write.Fail(ex);
                    }
                }

                transaction.Commit();
            }

            foreach (var write in batch)
            {
                write.Complete();
            }
        }
        catch (Exception ex)
        {
            // The transaction is lost as a whole: none of its writes happened.
            foreach (var write in batch)
            {
                write.Fail(ex);
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private interface IQueuedWrite
    {
        void Run(SqliteConnection connection);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class QueuedWrite<T>(Func<SqliteConnection, T> write) : IQueuedWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public void Run(SqliteConnection connection) => _result = write(connection);

        public void Complete() => _completion.TrySetResult(_result!);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
