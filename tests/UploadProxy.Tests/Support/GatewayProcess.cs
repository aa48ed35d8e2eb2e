using System.Diagnostics;

namespace UploadProxy.Tests.Support;

/// <summary>The real gateway as its own process, started the way a user starts it, so a test can kill -9 it.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private GatewayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

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

    /// <param name="address">Where to listen; a free port by default. A restarted gateway reuses its predecessor's, so clients holding its URLs reach it.</param>
    public static Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, string workingDirectory, Uri? address = null)
    {
        address ??= new Uri($"http://127.0.0.1:{FreePort.Next()}");
        return StartAsync(environment, workingDirectory, address, ["--urls", address.ToString()]);
    }

    /// <summary>Starts the gateway with the arguments a user gives; <paramref name="address"/> is where it is reachable from here.</summary>
    public static async Task<GatewayProcess> StartAsync(
        IReadOnlyDictionary<string, string?> environment, string workingDirectory, Uri address, IReadOnlyList<string> arguments)
    {
        var process = Process.Start(StartInfo(environment, workingDirectory, arguments)) ?? throw new InvalidOperationException("The gateway did not start.");
        var gateway = new GatewayProcess(process, address);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitUntilReadyAsync();
        return gateway;
    }

    /// <summary>Runs a gateway that is expected to refuse to start: its exit code and all it wrote, or a timeout if it kept running.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        IReadOnlyDictionary<string, string?> environment, string workingDirectory, IReadOnlyList<string> arguments, TimeSpan patience)
    {
        using var process = Process.Start(StartInfo(environment, workingDirectory, arguments)) ?? throw new InvalidOperationException("The gateway did not start.");
        using var cancel = new CancellationTokenSource(patience);
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The gateway was still running after {patience}.");
        }

        return (process.ExitCode, await output + await error);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, string workingDirectory, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet", [GatewayAssembly(), .. arguments])
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

        return start;
    }

    /// <summary>SIGKILL: no shutdown hook runs, exactly like a crash or a pulled plug.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // Until its output streams end, so the message it exited with is read.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"The gateway exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
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
                // Listening but the silo is still starting.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The gateway was not ready within 90 s:\n{Output}");
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

    private static string GatewayAssembly()
    {
        // The test project references the gateway, so its build output sits beside the tests'.
        var path = Path.Combine(AppContext.BaseDirectory, "UploadProxy.Gateway.dll");
        return File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"))
            ? path
            : throw new FileNotFoundException("UploadProxy.Gateway.runtimeconfig.json is not beside the tests.", path);
    }
}
