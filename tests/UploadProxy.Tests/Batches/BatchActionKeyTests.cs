using System.Net;
using UploadProxy.Tests.Security;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Batches;

/// <summary>Who may act on a batch: a read key exports it, only a write key restarts its failed links.</summary>
public sealed class BatchActionKeyTests(KeyedGatewayFixture gateway) : IClassFixture<KeyedGatewayFixture>
{
    [Fact]
    public async Task A_read_key_exports_a_batch_but_gets_403_on_retry_failed_which_a_write_key_may_call()
    {
        var batch = $"keys-{Guid.NewGuid():N}";
        var writer = new UploadProxyClient(gateway.ClientFor(KeyedGatewayFixture.WriteKey));
        var id = await writer.CreateIdAsync(new { filename = "keyed.pdf", batch_id = batch });
        using var reader = gateway.ClientFor(KeyedGatewayFixture.ReadKey);

        var export = await reader.GetAsync($"/api/batches/{batch}.csv");
        var refused = await reader.PostAsync($"/api/batches/{batch}/retry-failed", content: null);
        var allowed = await writer.Http.PostAsync($"/api/batches/{batch}/retry-failed", content: null);
        using var anonymous = gateway.ClientFor(key: null);
        var anonymousRetry = await anonymous.PostAsync($"/api/batches/{batch}/retry-failed", content: null);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains(id, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Problems.AssertAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("{\"restarted\":0,\"not_restartable\":0}", await allowed.Content.ReadAsStringAsync());
        await Problems.AssertAsync(anonymousRetry, HttpStatusCode.Unauthorized, "unauthorized");
    }
}
