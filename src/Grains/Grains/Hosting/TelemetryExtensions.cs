using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace UploadProxy.Grains.Hosting;

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces from the HTTP request through the grain calls to Cloudinary and Notion, and metrics; exported over OTLP
    /// where OTEL_EXPORTER_OTLP_ENDPOINT is set. A host adds its own instrumentation and exporters through the callbacks.
    /// </summary>
    public static IServiceCollection AddUploadProxyTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<TracerProviderBuilder>? tracing = null,
        Action<MeterProviderBuilder>? metrics = null)
    {
        var telemetry = services.AddOpenTelemetry()
            .WithTracing(builder =>
            {
                builder.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application").AddHttpClientInstrumentation();
                tracing?.Invoke(builder);
            })
            .WithMetrics(builder =>
            {
                builder.AddMeter(UploadProxyMetrics.MeterName, "Microsoft.Orleans", "System.Net.Http").AddHttpClientInstrumentation();
                metrics?.Invoke(builder);
            });
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
