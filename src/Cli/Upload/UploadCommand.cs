using Spectre.Console;
using Spectre.Console.Cli;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Upload;

internal sealed class UploadCommand(CliServices services) : AsyncCommand<UploadSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UploadSettings settings, CancellationToken cancellationToken)
    {
        var console = services.Console;
        var files = PdfFiles.Find(settings.Paths);
        if (files.Count == 0)
        {
            console.MarkupLine($"[red]No PDF found in:[/] {Markup.Escape(string.Join(", ", settings.Paths))}");
            return ExitCodes.Usage;
        }

        var manifestPath = settings.Manifest is { } path ? Path.GetFullPath(path) : PdfFiles.DefaultManifestPath(settings.Paths);
        ManifestStore opened;
        try
        {
            opened = await ManifestStore.OpenAsync(manifestPath, settings.GatewayUri.AbsoluteUri, settings.Batch, services.Time, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            console.MarkupLine($"[red]Error:[/] {Markup.Escape(exception.Message)}");
            return ExitCodes.Usage;
        }

        using var manifest = opened;
        var client = new GatewayClient(
            services.Http, settings.GatewayUri, settings.ApiKey ?? services.DefaultApiKey, services.Timings, services.Time);
        var plan = new UploadPlan(settings.Batch, settings.Concurrency, TimeSpan.FromSeconds(settings.WaitSeconds), settings.Resumable, settings.ChunkSize);
        var interrupted = false;
        try
        {
            await console.Progress()
                .AutoClear(false)
                .HideCompleted(true)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new DownloadedColumn(),
                    new TransferSpeedColumn())
                .StartAsync(async progressContext =>
                {
                    var progress = new UploadProgress(progressContext, files);
                    using var uploader = new BatchUploader(client, manifest, progress, plan, services.Timings, services.Time);
                    await uploader.RunAsync(files, cancellationToken);
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        var paths = files.Select(file => file.FullName).ToHashSet(StringComparer.Ordinal);
        var entries = manifest.Entries().Where(entry => paths.Contains(entry.Path)).ToList();
        var csvPath = Path.ChangeExtension(manifestPath, ".csv");
        await ManifestCsv.WriteAsync(csvPath, manifest.Entries());
        UploadReport.Render(console, files, entries, interrupted, manifestPath, csvPath);

        return interrupted ? ExitCodes.Interrupted
            : entries.Count == files.Count && entries.All(entry => entry.IsStored) ? ExitCodes.Success
            : ExitCodes.Failed;
    }
}
