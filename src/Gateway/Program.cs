using UploadProxy.Gateway;
using UploadProxy.Gateway.Documents;
using UploadProxy.Gateway.Health;
using UploadProxy.Gateway.Notion;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains.Hosting;

// Settings and static assets come from beside the binary; the data folder stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddUploadProxyEnvironment();
builder.AddUploadProxyGateway();

var app = builder.Build();
app.UseExceptionHandler();
app.MapOpenApi();
app.MapUploadSessionsApi();
app.MapLocalDocuments();
app.MapHealthApi();

if (args is [NotionSetupCommand.Name, ..])
{
    await app.StartAsync();
    var exitCode = await NotionSetupCommand.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
    await app.StopAsync();
    return exitCode;
}

await app.RunAsync();
return 0;

public partial class Program;
