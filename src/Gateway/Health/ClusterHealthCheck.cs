using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UploadProxy.Gateway.Health;

/// <summary>Ready when a silo answers: the management grain lists the active silos.</summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var management = grains.GetGrain<IManagementGrain>(0);
            var silos = await management.GetHosts(true, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"{silos.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("No silo answered.", ex);
        }
    }
}
