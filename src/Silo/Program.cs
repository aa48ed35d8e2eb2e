using UploadProxy.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddUploadProxyEnvironment();
if (builder.Configuration.GetClusterHostingOptions().Clustering != ClusteringMode.AdoNet)
{
    Console.Error.WriteLine("A separate silo joins a PostgreSQL cluster: set Cluster__Clustering=AdoNet and Cluster__ConnectionString. " +
        "For one machine, run the gateway alone: it hosts its own silo.");
    return 2;
}

builder.Services.AddUploadProxyServices(builder.Configuration);
builder.Services.AddUploadProxyTelemetry(builder.Configuration);
builder.UseOrleans(silo =>
{
    silo.UseUploadProxySilo(builder.Configuration);
    if (builder.Configuration.GetClusterHostingOptions().Kubernetes)
    {
        // Takes the cluster identity from the pod's labels and the endpoint from its IP, over the settings above.
        silo.UseKubernetesHosting();
    }
});
await builder.Build().RunAsync();
return 0;
