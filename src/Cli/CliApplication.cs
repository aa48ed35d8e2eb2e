using Spectre.Console;
using Spectre.Console.Cli;
using UploadProxy.Cli.Status;
using UploadProxy.Cli.Upload;

namespace UploadProxy.Cli;

internal static class CliApplication
{
    public static Task<int> RunAsync(IEnumerable<string> args, CliServices services, CancellationToken cancellationToken)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("uploadproxy");
            config.UseStrictParsing();
            config.ConfigureConsole(services.Console);
            config.Settings.Registrar.RegisterInstance(services);
            config.CancellationExitCode(ExitCodes.Interrupted);
            config.SetExceptionHandler((exception, _) => Fail(services.Console, exception));

            config.AddCommand<UploadCommand>("upload")
                .WithDescription("Upload PDFs to a batch, resuming where an earlier run stopped.")
                .WithExample("upload", "./scans", "--gateway", "http://localhost:5000", "--batch", "ocr-2026-11-26", "--concurrency", "4");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Show where the sessions of a batch stand.")
                .WithExample("status", "ocr-2026-11-26", "--gateway", "http://localhost:5000");
        });
        return app.RunAsync(args, cancellationToken);
    }

    private static int Fail(IAnsiConsole console, Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException:
                return ExitCodes.Interrupted;
            case CommandAppException { Pretty: { } pretty }:
                console.Write(pretty);
                return ExitCodes.Usage;
            case CommandAppException:
                console.MarkupLine($"[red]Error:[/] {Markup.Escape(exception.Message)}");
                return ExitCodes.Usage;
            default:
                console.MarkupLine($"[red]Error:[/] {Markup.Escape(exception.Message)}");
                return ExitCodes.Failed;
        }
    }
}
