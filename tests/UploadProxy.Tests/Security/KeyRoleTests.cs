using System.Net;
using System.Net.Http.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Security;

/// <summary>Write keys (<c>UPLOADPROXY_API_KEYS</c>) may do everything; read keys (<c>UPLOADPROXY_READ_KEYS</c>) only read.</summary>
public sealed class KeyRoleTests(KeyedGatewayFixture gateway) : IClassFixture<KeyedGatewayFixture>
{
    [Fact]
    public async Task A_read_key_reads_sessions_batches_their_events_and_the_orleans_dashboard()
    {
        var writer = new UploadProxyClient(gateway.ClientFor(KeyedGatewayFixture.WriteKey));
        var id = await writer.CreateIdAsync(new { filename = "read.pdf", batch_id = "read-key-batch" });
        using var reader = gateway.ClientFor(KeyedGatewayFixture.ReadKey);

        var info = await reader.GetAsync($"{UploadProxyClient.BasePath}/info/{id}");
        var batches = await reader.GetAsync("/api/batches");
        var batch = await reader.GetAsync("/api/batches/read-key-batch");
        using var events = await reader.GetAsync("/api/batches/read-key-batch/events", HttpCompletionOption.ResponseHeadersRead);
        var orleans = await reader.GetAsync("/orleans");

        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batches.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, orleans.StatusCode);
    }

    [Fact]
    public async Task A_read_key_gets_403_forbidden_on_create_send_and_retry()
    {
        var id = await new UploadProxyClient(gateway.ClientFor(KeyedGatewayFixture.WriteKey)).CreateIdAsync(new { filename = "write.pdf" });
        var reader = new UploadProxyClient(gateway.ClientFor(KeyedGatewayFixture.ReadKey));

        var (create, _) = await reader.CreateAsync(new { filename = "refused.pdf" });
        var (send, _) = await reader.SendAsync(id, SamplePdf.Create());
        var retry = await reader.Http.PostAsync($"{UploadProxyClient.BasePath}/retry/{id}", content: null);

        await Problems.AssertAsync(create, HttpStatusCode.Forbidden, "forbidden");
        await Problems.AssertAsync(send, HttpStatusCode.Forbidden, "forbidden");
        await Problems.AssertAsync(retry, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_write_key_creates_sends_reads_and_retries()
    {
        var writer = new UploadProxyClient(gateway.ClientFor(KeyedGatewayFixture.WriteKey));

        var id = await writer.CreateIdAsync(new { filename = "written.pdf" });
        var (send, sent) = await writer.SendAsync(id, SamplePdf.Create());
        var (info, _) = await writer.InfoAsync(id);
        var retry = await writer.Http.PostAsync($"{UploadProxyClient.BasePath}/retry/{id}", content: null);

        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.Equal("uploaded", sent.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        // Past the key check: the session itself answers that its linking has nothing to retry.
        await Problems.AssertAsync(retry, HttpStatusCode.Conflict, "session_conflict");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(KeyedGatewayFixture.WriteKey + "x")]
    [InlineData(KeyedGatewayFixture.ReadKey + "x")]
    public async Task A_missing_or_wrong_key_still_gets_401(string? key)
    {
        using var client = gateway.ClientFor(key);

        var read = await client.GetAsync("/api/batches");
        var write = await client.PostAsJsonAsync($"{UploadProxyClient.BasePath}/create", new { filename = "nokey.pdf" });

        await Problems.AssertAsync(read, HttpStatusCode.Unauthorized, "unauthorized");
        await Problems.AssertAsync(write, HttpStatusCode.Unauthorized, "unauthorized");
    }
}
