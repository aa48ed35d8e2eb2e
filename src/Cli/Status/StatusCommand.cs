using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli.Status;

internal sealed class StatusCommand(CliServices services) : AsyncCommand<StatusSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var console = services.Console;
        var client = new GatewayClient(
            services.Http, settings.GatewayUri, settings.ApiKey ?? services.DefaultApiKey, services.Timings, services.Time);
        BatchResource batch;
        try
        {
            batch = await ReadWholeBatchAsync(client, settings.Batch, cancellationToken);
        }
        catch (GatewayException exception) when (exception.StatusCode == 404)
        {
            console.MarkupLine($"[red]No batch[/] '{Markup.Escape(settings.Batch)}' at {Markup.Escape(settings.Gateway)}.");
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is GatewayException or HttpRequestException)
        {
            console.MarkupLine($"[red]Error:[/] {Markup.Escape(exception.Message)}");
            return ExitCodes.Failed;
        }

        Render(console, batch);
        return ExitCodes.Success;
    }

    /// <summary>The first page's counts, with the sessions of every page: the gateway answers a batch a page at a time.</summary>
    private static async Task<BatchResource> ReadWholeBatchAsync(GatewayClient client, string batchId, CancellationToken cancellationToken)
    {
        var first = await client.GetBatchAsync(batchId, cursor: null, cancellationToken);
        var sessions = new List<BatchSessionResource>(first.Sessions);
        for (var cursor = first.NextCursor; cursor is not null;)
        {
            var page = await client.GetBatchAsync(batchId, cursor, cancellationToken);
            sessions.AddRange(page.Sessions);
            cursor = page.NextCursor;
        }

        return first with { Sessions = sessions, NextCursor = null };
    }

    private static void Render(IAnsiConsole console, BatchResource batch)
    {
        var updated = batch.UpdatedTime is { } time ? $", updated {time.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}" : "";
        console.MarkupLine($"Batch [bold]{Markup.Escape(batch.Id)}[/]: {batch.Total} sessions{updated}");

        var counts = new Table().AddColumn("Status").AddColumn(new TableColumn("Sessions").RightAligned());
        foreach (var (status, count) in batch.Counts.OrderBy(pair => StatusStyle.Rank(pair.Key)).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            counts.AddRow(StatusStyle.Format(status), count.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(counts);

        if (batch.Sessions.Count == 0)
        {
            return;
        }

        var sessions = new Table().AddColumns("File", "Status", "URL", "Notion", "Session");
        foreach (var session in batch.Sessions.OrderBy(session => session.Filename, StringComparer.Ordinal))
        {
            sessions.AddRow(
                Markup.Escape(session.Filename ?? ""),
                StatusStyle.Format(session.Status),
                StatusStyle.Link(session.Url),
                StatusStyle.Link(session.NotionPageUrl),
                Markup.Escape(session.Id));
        }

        console.Write(sessions);
    }
}
