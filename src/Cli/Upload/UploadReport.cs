using Spectre.Console;

namespace UploadProxy.Cli.Upload;

/// <summary>What a run prints once the progress display is gone.</summary>
internal static class UploadReport
{
    public static void Render(
        IAnsiConsole console, IReadOnlyList<FileInfo> files, IReadOnlyList<ManifestEntry> entries, bool interrupted, string manifestPath, string csvPath)
    {
        var stored = entries.Count(entry => entry.IsStored);
        var problems = entries.Where(entry => !entry.IsStored || entry.Error is not null).ToList();
        var notReached = files.Count - entries.Count;

        console.MarkupLine($"[bold]{stored}/{files.Count}[/] files stored.");
        if (problems.Count > 0)
        {
            var table = new Table().Title("Files not stored, or with a problem").AddColumns("File", "Status", "Session", "Error");
            foreach (var entry in problems)
            {
                table.AddRow(
                    Markup.Escape(entry.Path),
                    StatusStyle.Format(entry.Status),
                    Markup.Escape(entry.SessionId ?? ""),
                    Markup.Escape(entry.Error is { } error ? $"{error.Code}: {error.Message}" : ""));
            }

            console.Write(table);
        }

        if (interrupted)
        {
            console.MarkupLine(
                $"[yellow]Interrupted.[/] {notReached} files not started. The manifest is saved: run the same command again to resume; no file is sent twice.");
        }

        console.MarkupLine($"Manifest: {Markup.Escape(manifestPath)}");
        console.MarkupLine($"CSV:      {Markup.Escape(csvPath)}");
    }
}
