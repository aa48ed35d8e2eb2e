using System.Diagnostics;

namespace UploadProxy.Tests.Support;

/// <summary>The real silo (<c>src/Silo</c>) as its own process, started the way an operator starts it, so a test can kill -9 it.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private SiloProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the silo and returns at once: whether it joined is the membership table's to say.</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [SiloAssembly()])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The silo did not start.");
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits for the process to end on its own; false if it still runs after <paramref name="patience"/>.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, so the silo never tells the cluster it leaves.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGSTOP: the process keeps its sockets open but answers nothing, like a hung machine. Calls to it get no error,
    /// only silence, until the cluster declares it dead.
    /// </summary>
    public async Task FreezeAsync()
    {
        using var stop = Process.Start("kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await stop.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string SiloAssembly()
    {
        // The test project builds the silo and copies its output to silo/ beside the tests (UploadProxy.Tests.csproj).
        var path = Path.Combine(AppContext.BaseDirectory, "silo", "UploadProxy.Silo.dll");
        return File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"))
            ? path
            : throw new FileNotFoundException("UploadProxy.Silo.runtimeconfig.json is not in silo/ beside the tests.", path);
    }
}
