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

    public static Task<CliResult> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken = default) =>
        RunAsync(args, handler: null, cancellationToken);

    /// <param name="args">The command line.</param>
    /// <param name="handler">What carries the tool's requests, to count or cut them; a plain handler when null.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, HttpMessageHandler? handler, CancellationToken cancellationToken = default)
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
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var services = new CliServices(console, http, Fast, TimeProvider.System, DefaultApiKey: null);
        var exitCode = await CliApplication.RunAsync(args, services, cancellationToken);
        return new CliResult(exitCode, output.ToString());
    }
}
