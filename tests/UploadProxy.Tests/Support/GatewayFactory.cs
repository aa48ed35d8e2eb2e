using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UploadProxy.Tests.Support;

/// <summary>The real gateway with its in-process silo, configured through the same settings a user gives.</summary>
/// <param name="services">Test services added after the product's, e.g. an <see cref="RequestBodyMeter"/> or a fake clock.</param>
public sealed class GatewayFactory(
    IReadOnlyDictionary<string, string?> settings, CapturedLogs? logs = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public string DataDirectory => settings["Standalone:DataDirectory"]!;

    public IEnumerable<string> StagedFiles =>
        Directory.Exists(Path.Combine(DataDirectory, "staging"))
            ? Directory.EnumerateFiles(Path.Combine(DataDirectory, "staging"), "*", SearchOption.AllDirectories)
            : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            // Whatever levels the product and its configuration set, the captured logs get every category at Trace.
            builder.ConfigureLogging(logging => logging.AddProvider(logs).AddFilter<CapturedLogs>(category: null, LogLevel.Trace));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopping host; the temp folder is cleaned by the OS.
        }
    }
}
