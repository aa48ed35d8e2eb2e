using System.Text.Json;
using System.Text.Json.Serialization;
using UploadProxy.Gateway.Health;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains.Hosting;

namespace UploadProxy.Gateway;

internal static class GatewayHostingExtensions
{
    public static WebApplicationBuilder AddUploadProxyGateway(this WebApplicationBuilder builder)
    {
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

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddScoped<DocumentIntake>();
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthApi.ReadyTag]);
        return builder;
    }
}
