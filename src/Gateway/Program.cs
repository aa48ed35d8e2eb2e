using UploadProxy.Gateway;
using UploadProxy.Gateway.Documents;
using UploadProxy.Gateway.Health;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
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
