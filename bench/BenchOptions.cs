using System.Globalization;

namespace UploadProxy.Bench;

/// <summary>The command line: a sub-command and the switches that size the run.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench -- <command> [options]

        Commands:
          all        ceiling, workflow, info, memory, large, tus, async and notion, in one table
          workflow   create -> send -> info at 1 MB and 10 MB documents, with the ceiling's 1 MB figure
          info       info polling over many sessions, with the ceiling's small-JSON figure
          memory     memory per idle session
          large      one 100 MB document: the gateway's memory growth
          tus        one 100 MB document over tus in 5 MB chunks: throughput and the gateway's memory growth
          async      1 000 documents with Prefer: respond-async against a Cloudinary answering in 400-800 ms, beside 16 synchronous clients
          notion     the rate at which Notion requests drain
          ceiling    the bare Kestrel ceiling alone
          micro      BenchmarkDotNet micro-benchmarks (arguments after it go to BenchmarkSwitcher, e.g. --filter '*Sign*')

        Options:
          --gateway URL          drive a running gateway (e.g. deploy/local/cluster.sh) instead of starting one;
                                 the rows that need its process or its Notion (memory, large, tus, Notion) say n/a
          --api-key KEY          sent as X-Api-Key, for a gateway that has UPLOADPROXY_API_KEYS (with --gateway)
          --sessions N           idle sessions for the memory figure (default 100000)
          --info-sessions N      sessions created before info polling (default 10000)
          --notion-sessions N    documents whose Notion rows are drained (default 60)
          --duration SECONDS     measured time of each throughput phase (default 20)
          --warmup SECONDS       unrecorded warm-up before each throughput phase (default 30)
        """;

    public required string Command { get; init; }
    public Uri? Gateway { get; init; }
    public string? ApiKey { get; init; }
    public int IdleSessions { get; init; } = 100_000;
    public int InfoSessions { get; init; } = 10_000;
    public int NotionSessions { get; init; } = 60;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<string> MicroArguments { get; init; } = [];

    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return null;
        }

        var options = new BenchOptions { Command = args[0] };
        if (options.Command == "micro")
        {
            return options with { MicroArguments = args.Skip(1).ToArray() };
        }

        for (var i = 1; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            BenchOptions? next = args[i] switch
            {
                "--gateway" when Uri.TryCreate(value, UriKind.Absolute, out var gateway) => options with { Gateway = gateway },
                "--api-key" when !string.IsNullOrEmpty(value) => options with { ApiKey = value },
                "--sessions" when Positive(value) is { } count => options with { IdleSessions = count },
                "--info-sessions" when Positive(value) is { } count => options with { InfoSessions = count },
                "--notion-sessions" when Positive(value) is { } count => options with { NotionSessions = count },
                "--duration" when Positive(value) is { } seconds => options with { Duration = TimeSpan.FromSeconds(seconds) },
                "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 =>
                    options with { Warmup = TimeSpan.FromSeconds(seconds) },
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            options = next;
            i++;
        }

        return options;
    }

    private static int? Positive(string? value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null;
}
