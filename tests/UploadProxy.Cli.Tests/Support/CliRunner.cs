using Spectre.Console;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Tests.Support;

public sealed record CliResult(int ExitCode, string Output);

/// <summary>Runs the CLI in this process, on a console that records what it prints.</summary>
public static class CliRunner
{
    /// <summary>Short retries and polls, so that tests wait milliseconds where a person waits seconds.</summary>
    private static readonly GatewayTimings Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        PollInitialInterval = TimeSpan.FromMilliseconds(10),
        PollMaxInterval = TimeSpan.FromMilliseconds(50),
        RequestTimeout = TimeSpan.FromSeconds(30),
        SendTimeout = TimeSpan.FromSeconds(60),
    };

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(TextWriter.Synchronized(output)),
        });
        console.Profile.Width = 300;
        using var http = new HttpClient();
        var services = new CliServices(console, http, Fast, TimeProvider.System, DefaultApiKey: null);
        var exitCode = await CliApplication.RunAsync(args, services, cancellationToken);
        return new CliResult(exitCode, output.ToString());
    }
}
