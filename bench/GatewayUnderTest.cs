using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench;

/// <summary>A gateway the scenarios drive: one the bench started (its memory can be read) or an external one.</summary>
internal sealed class GatewayUnderTest(string purpose, Uri address, ServerProcess? process, string? apiKey = null) : IAsyncDisposable
{
    public Uri Address { get; } = address;

    /// <summary>The key the gateway wants in <c>X-Api-Key</c>, if it wants one.</summary>
    public string? ApiKey { get; } = apiKey;

    /// <summary>The process id, where the bench started the gateway and can read its memory.</summary>
    public int? ProcessId => process?.Id;

    /// <summary>Adds the peak RSS row of this gateway process (VmHWM), when the bench can see it.</summary>
    public void ReportPeakMemory(ResultTable table)
    {
        if (process is not null)
        {
            table.Add($"peak RSS, gateway+silo process ({purpose} run)", ResultTable.Megabytes(ProcessMemory.Peak(process.Id)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }
}
