using System.Globalization;

namespace UploadProxy.Fakes.Notion;

/// <summary>Runs the fake Notion by hand with a documents database, and prints the settings that point the product at it.</summary>
internal static class NotionCommand
{
    public const string Usage =
        "notion [--port 5091] [--token T] [--rate 3] [--burst 3] [--latency-ms N] [--index-lag-ms N] [--retry-after-s N] [--database-title DB-DOCUMENTS]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not var (options, databaseTitle))
        {
            Console.Error.WriteLine($"Usage: UploadProxy.Fakes {Usage}");
            return 2;
        }

        await using var server = await FakeNotionServer.StartAsync(options);
        var databaseId = server.AddDatabase(databaseTitle, FakeNotionServer.DocumentsSchema);
        Console.WriteLine($"NOTION_TOKEN={server.Token}");
        Console.WriteLine($"NOTION_DATABASE_ID={databaseId}");
        Console.WriteLine($"NOTION_BASE_URL={server.BaseUrl.AbsoluteUri.TrimEnd('/')}");
        Console.Error.WriteLine("Fake Notion is running; Ctrl+C stops it.");
        await StopSignal.WaitAsync();
        return 0;
    }

    private static (FakeNotionOptions Options, string DatabaseTitle)? Parse(string[] args)
    {
        var options = new FakeNotionOptions();
        var databaseTitle = "DB-DOCUMENTS";
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 == args.Length)
            {
                return null;
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    options.Port = port;
                    break;
                case "--token" when value.Length > 0:
                    options.Token = value;
                    break;
                case "--rate" when double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) && rate > 0:
                    options.RequestsPerSecond = rate;
                    break;
                case "--burst" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var burst) && burst > 0:
                    options.Burst = burst;
                    break;
                case "--latency-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    options.Latency = TimeSpan.FromMilliseconds(milliseconds);
                    break;
                case "--index-lag-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var lag):
                    options.QueryIndexLag = TimeSpan.FromMilliseconds(lag);
                    break;
                case "--retry-after-s" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var retryAfter):
                    options.RateLimitRetryAfter = TimeSpan.FromSeconds(retryAfter);
                    break;
                case "--database-title" when value.Length > 0:
                    databaseTitle = value;
                    break;
                default:
                    return null;
            }
        }

        return (options, databaseTitle);
    }
}
