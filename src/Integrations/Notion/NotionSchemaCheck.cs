using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace UploadProxy.Integrations.Notion;

/// <summary>Compares the database's schema with the properties the product writes, at start and on demand.</summary>
public sealed partial class NotionSchemaCheck(NotionClient notion, IOptions<NotionOptions> options, ILogger<NotionSchemaCheck> logger)
{
    /// <summary>Properties to add (name → type), and properties that exist with another type.</summary>
    public async Task<(Dictionary<string, string> Missing, List<string> WrongType)> CompareAsync(CancellationToken cancellationToken)
    {
        var database = await notion.GetDatabaseAsync(cancellationToken);
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        var wrongType = new List<string>();
        foreach (var (name, type) in options.Value.Properties.Expected())
        {
            if (!database.PropertyTypes.TryGetValue(name, out var actual))
            {
                missing[name] = type;
            }
            else if (actual != type)
            {
                wrongType.Add($"'{name}' is {actual}, expected {type}");
            }
        }

        return (missing, wrongType);
    }

    /// <summary>Says clearly, in the log, what the database lacks; linking still runs with what exists.</summary>
    public async Task ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (missing, wrongType) = await CompareAsync(cancellationToken);
            if (missing.Count == 0 && wrongType.Count == 0)
            {
                LogSchemaReady();
                return;
            }

            var missingText = string.Join(", ", missing.Select(p => $"'{p.Key}' ({p.Value})"));
            LogSchemaIncomplete(missing.Count == 0 ? "none" : missingText, wrongType.Count == 0 ? "none" : string.Join("; ", wrongType));
        }
        catch (NotionException ex)
        {
            LogSchemaUnreadable(ex.Code, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Notion database has every property the product writes")]
    private partial void LogSchemaReady();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Notion database is missing properties: {Missing}; wrong types: {WrongType}. Rows leave those values out; run the gateway with 'notion-setup' to add the missing ones")]
    private partial void LogSchemaIncomplete(string missing, string wrongType);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Notion database could not be read ({Code}): {Message}")]
    private partial void LogSchemaUnreadable(string code, string message);
}

/// <summary>Runs <see cref="NotionSchemaCheck.ReportAsync"/> once the host (and its silo) has started.</summary>
public sealed class NotionSchemaReport(NotionSchemaCheck check, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        await check.ReportAsync(stoppingToken);
    }
}
