using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using UploadProxy.Grains.Diagnostics;

namespace UploadProxy.Hosting;

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
            .WithMetrics(builder =>
            {
                builder.AddMeter(UploadProxyMetrics.MeterName, "Microsoft.Orleans", "System.Net.Http").AddHttpClientInstrumentation();
                metrics?.Invoke(builder);
            });

        // Traces are recorded only where they are exported: an activity per request and grain call costs about a
        // quarter of the gateway's info throughput (docs/benchmarks.md).
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(builder =>
            {
                builder.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application").AddHttpClientInstrumentation();
                tracing?.Invoke(builder);
            });
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
