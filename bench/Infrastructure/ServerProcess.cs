using System.Diagnostics;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>
/// A server the bench starts as its own process on 127.0.0.1 (the gateway, the ceiling server), with its output
/// kept for error messages, ready once <c>GET /health/ready</c> answers 200, killed at the end.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly Uri _address;
    private readonly Queue<string> _output = new();

    private ServerProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        _address = address;
    }

    public string Name { get; }

    public int Id => _process.Id;

    private string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(
        string name, IReadOnlyList<string> arguments, Uri address, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The bench's own shell may hold settings of a real deployment: none of them reaches a server it starts.
        foreach (var key in start.Environment.Keys.Where(IsProductSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"The {name} did not start.");
        var server = new ServerProcess(name, process, address);

        // A bench stopped with Ctrl+C or SIGTERM takes its servers with it.
        AppDomain.CurrentDomain.ProcessExit += server.KillOnExit;
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private static bool IsProductSetting(string key) =>
        key.StartsWith("CLOUDINARY_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("NOTION_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("UPLOADPROXY_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.Contains("__", StringComparison.Ordinal);

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The {Name} exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening, but the silo is still starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The {Name} was not ready within {ReadyTimeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }
}
