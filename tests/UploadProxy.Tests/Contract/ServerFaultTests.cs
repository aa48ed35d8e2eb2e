using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>
/// Faults of the server's own never blame the client and never show a path: a full staging disk is 507, a failing
/// one 503 to retry, anything else 500 with the trace id; the partial bytes are deleted in every case.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class ServerFaultTests(ContractGatewayFixture gateway) : IDisposable
{
    private const int NoSpaceLeftOnDevice = 28;
    private const string StagedPath = "/var/lib/uploadproxy/staging/incoming/abc.part";

    private UploadProxyClient Client => gateway.Client;

    public void Dispose() => gateway.Staging.Reset();

    [Fact]
    public async Task A_full_staging_disk_is_507_insufficient_storage_without_a_path_and_leaves_nothing_staged()
    {
        var id = await Client.CreateIdAsync();
        gateway.Staging.WriteFault = () => new IOException($"No space left on device : '{StagedPath}'", NoSpaceLeftOnDevice);

        var (response, problem) = await Client.SendAsync(id, SamplePdf.Create(seed: 70));

        await Problems.AssertAsync(response, HttpStatusCode.InsufficientStorage, "insufficient_storage");
        Assert.DoesNotContain("No space left", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(StagedPath, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Staging.FaultsThrown);
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task Another_staging_io_error_is_503_cluster_unavailable_with_retry_after()
    {
        var id = await Client.CreateIdAsync();
        gateway.Staging.WriteFault = () => new IOException($"Input/output error : '{StagedPath}'", 5);

        var (response, problem) = await Client.SendAsync(id, SamplePdf.Create(seed: 71));

        await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "cluster_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain(StagedPath, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Staging.FaultsThrown);
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    public static TheoryData<string> ClusterFaults => ["timeout", "orleans", "cancelled"];

    [Theory]
    [MemberData(nameof(ClusterFaults))]
    public async Task A_call_the_cluster_did_not_answer_in_time_is_503_cluster_unavailable_with_retry_after(string fault)
    {
        var id = await Client.CreateIdAsync();
        gateway.Staging.WriteFault = fault switch
        {
            "timeout" => () => new TimeoutException("Response did not arrive on time"),
            "orleans" => () => new SiloUnavailableException("The silo is gone"),
            _ => () => new OperationCanceledException("A grain call's own timeout, not the client's"),
        };

        var (response, _) = await Client.SendAsync(id, SamplePdf.Create(seed: 73));

        await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "cluster_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task An_unexpected_fault_is_500_internal_error_with_the_trace_id_and_no_detail_of_it()
    {
        var id = await Client.CreateIdAsync();
        gateway.Staging.WriteFault = () => new InvalidOperationException($"bug while writing {StagedPath}");

        var (response, problem) = await Client.SendAsync(id, SamplePdf.Create(seed: 72));

        await Problems.AssertAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        var traceId = problem.GetProperty("trace_id").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.DoesNotContain("bug", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(StagedPath, problem.ToString(), StringComparison.Ordinal);
        Assert.Contains(gateway.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal)
            && line.Contains(traceId!, StringComparison.Ordinal) && line.Contains("InvalidOperationException: bug while writing", StringComparison.Ordinal));
        Assert.Equal(1, gateway.Staging.FaultsThrown);
        Assert.Empty(gateway.Factory.StagedFiles);
    }
}
