using System.Diagnostics;
using Npgsql;

namespace UploadProxy.Tests.Support;

/// <summary>
/// A real PostgreSQL for the cluster tests: the one CI started (UPLOADPROXY_TEST_POSTGRES), or a throwaway server
/// this class initialises in a temp folder and runs as a non-root user, since the server refuses to run as root.
/// Each test gets its own database with the deploy/sql schema applied.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "UPLOADPROXY_TEST_POSTGRES";
    private const string Binaries = "/usr/lib/postgresql/15/bin";

    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static PostgresServer? _shared;

    private readonly string? _directory;

    private PostgresServer(string adminConnectionString, string? directory)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
    }

    public string AdminConnectionString { get; }

    /// <summary>One server for the whole test run, stopped when the test process exits.</summary>
    public static async Task<PostgresServer> SharedAsync()
    {
        await StartLock.WaitAsync();
        try
        {
            if (_shared is null)
            {
                _shared = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given
                    ? new PostgresServer(given, directory: null)
                    : await StartThrowawayAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return _shared;
        }
        finally
        {
            StartLock.Release();
        }
    }

    /// <summary>Creates an empty database, applies every script of deploy/sql, and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"uploadproxy_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var script in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql"), "*.sql").Order(StringComparer.Ordinal))
        {
            await using var apply = new NpgsqlCommand(await File.ReadAllTextAsync(script), connection);
            await apply.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null && Directory.Exists(_directory))
        {
            await RunAsync(Path.Combine(Binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "stop"]);
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<PostgresServer> StartThrowawayAsync()
    {
        var directory = Directory.CreateTempSubdirectory("uploadproxy-pg-").FullName;
        var port = FreePort.Next();
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres", directory], asRoot: true);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(Binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        await RunAsync(Path.Combine(Binaries, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "start",
            "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
        ]);
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true", directory);
    }

    private static async Task RunAsync(string file, string[] arguments, bool asRoot = false)
    {
        // As root, the server's own tools run as the postgres user.
        var runAs = !asRoot && Environment.UserName == "root";
        var start = new ProcessStartInfo(runAs ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (runAs)
        {
            foreach (var part in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
