using Spectre.Console;
using UploadProxy.Cli.Api;

namespace UploadProxy.Cli;

/// <summary>What the commands take from their host: the real console and network, or a test's.</summary>
internal sealed record CliServices(
    IAnsiConsole Console,
    HttpClient Http,
    GatewayTimings Timings,
    TimeProvider Time,
    string? DefaultApiKey);
