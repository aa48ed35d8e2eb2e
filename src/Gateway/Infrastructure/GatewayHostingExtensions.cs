using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using Scalar.AspNetCore;
using UploadProxy.Gateway.Batches;
using UploadProxy.Gateway.Documents;
using UploadProxy.Gateway.Health;
using UploadProxy.Gateway.Security;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Gateway.Tus;
using UploadProxy.Gateway.Webhooks;
using UploadProxy.Grains.Contract;
using UploadProxy.Hosting;

namespace UploadProxy.Gateway;

internal static class GatewayHostingExtensions
{
    /// <summary>Orleans' own dashboard of the cluster's internals; behind the API keys like /api.</summary>
    private const string OrleansDashboardPath = "/orleans";

    public static WebApplicationBuilder AddUploadProxyGateway(this WebApplicationBuilder builder)
    {
        builder.DefaultPublicBaseUrlToListenAddress();
        // By default a connection waits for data with a zero-byte receive before it takes a buffer: two receives (two
        // system calls and two completions) for every piece of at most 4 KiB, some 500 for a 1 MB document. A request
        // body is the product's bulk, so each receive goes straight into a buffer; an idle connection holds one 4 KiB
        // block of the pool meanwhile.
        builder.WebHost.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
        var configuration = builder.Configuration;
        builder.Services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddUploadProxyServices(configuration);
        if (configuration.GetClusterHostingOptions().Clustering == ClusteringMode.Localhost)
        {
            builder.UseOrleans(silo => silo.UseUploadProxySilo(configuration));
        }
        else
        {
            builder.UseOrleansClient(client => client.UseUploadProxyClient(configuration));
        }

        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddScoped<DocumentIntake>();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<ShortGrainCalls>();

        builder.Services.AddScoped<TusPatchWriter>();
        builder.Services.AddTusCors(configuration);
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthApi.ReadyTag]);
        builder.Services.AddApiRateLimiting();
        builder.Services.AddUploadProxyTelemetry(
            configuration,
            tracing => tracing.AddAspNetCoreInstrumentation(),
            metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        return builder;
    }

    public static WebApplication UseUploadProxyGateway(this WebApplication app)
    {
        app.UseRetryAfterOnUnavailable();
        app.UseExceptionHandler();
        app.UseMiddleware<HostFilterMiddleware>();
        app.UseApiStatusProblems();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseTusProtocol();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments(OrleansDashboardPath),
            api => api.UseMiddleware<ApiKeyMiddleware>());
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<CrossSiteWriteMiddleware>());
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapUploadSessionsApi();
        app.MapTusApi();
        app.MapBatchesApi();
        app.MapWebhooksApi();
        app.MapLocalDocuments();
        app.MapHealthApi();
        app.MapOrleansDashboard(OrleansDashboardPath);
        app.LogListening();
        return app;
    }
}
