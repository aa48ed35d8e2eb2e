using System.Net;
using System.Runtime.InteropServices;
using Spectre.Console;
using UploadProxy.Cli;
using UploadProxy.Cli.Api;

using var cancellation = new CancellationTokenSource();

// The first Ctrl+C (or SIGTERM) stops the run cleanly with the manifest saved; a second one kills it.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

using var http = new HttpClient(new SocketsHttpHandler
{
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    ConnectTimeout = TimeSpan.FromSeconds(15),
    AutomaticDecompression = DecompressionMethods.All,
})
{
    // Each request gets its own timeout from GatewayTimings; a large send may take long.
    Timeout = Timeout.InfiniteTimeSpan,
};

var services = new CliServices(
    AnsiConsole.Console,
    http,
    GatewayTimings.Default,
    TimeProvider.System,
    Environment.GetEnvironmentVariable("UPLOADPROXY_API_KEY") is { Length: > 0 } key ? key : null);

return await CliApplication.RunAsync(args, services, cancellation.Token);

void Stop(PosixSignalContext context)
{
    if (!cancellation.IsCancellationRequested)
    {
        context.Cancel = true;
        cancellation.Cancel();
    }
}
