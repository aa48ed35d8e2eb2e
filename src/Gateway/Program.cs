using UploadProxy.Gateway;
using UploadProxy.Gateway.Notion;
using UploadProxy.Gateway.Security;
using UploadProxy.Hosting;

// Settings and static assets come from beside the binary; the data folder stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddUploadProxyEnvironment();
if (builder.OpenNetworkWithoutKeys() is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 2;
}

builder.AddUploadProxyGateway();

var app = builder.Build();
app.UseUploadProxyGateway();

if (args is [NotionSetupCommand.Name, ..])
{
    await app.StartAsync();
    var exitCode = await NotionSetupCommand.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
    await app.StopAsync();
    return exitCode;
}

app.LogStartupReportWhenStarted();
await app.RunAsync();
return 0;

public partial class Program;
