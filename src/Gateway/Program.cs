using UploadProxy.Gateway;
using UploadProxy.Gateway.Documents;
using UploadProxy.Gateway.Health;
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
app.Run();

public partial class Program;
