using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Gateway;

/// <summary>
/// The product with no configuration at all: documents kept under the data folder and served by the gateway. The
/// product's clock is a fake that moves only when a test moves it; Orleans' own timers keep real time.
/// </summary>
public sealed class LocalStorageFixture : IAsyncLifetime
{
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(10);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Sessions:PendingLifetime"] = PendingLifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        Factory = new GatewayFactory(settings, services: services => services
            .AddSingleton<TimeProvider>(Clock)
            .UseTimeProviderForBackgroundAreas(TimeProvider.System));
        Client = new UploadProxyClient(Factory.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class LocalStorageTests(LocalStorageFixture gateway) : IClassFixture<LocalStorageFixture>
{
    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task Without_cloudinary_the_document_is_kept_locally_and_served_at_its_url()
    {
        var id = await Client.CreateIdAsync(new { filename = "local.pdf" });
        var pdf = SamplePdf.Create(seed: 20);

        var (response, session) = await Client.SendAsync(id, pdf);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("local", session.GetProperty("storage").GetProperty("provider").GetString());
        var url = new Uri(session.GetProperty("url").GetString()!);
        Assert.Matches(@"^/documents/dashboard-documents/\d{13}-[a-z0-9]{8}-local\.pdf$", url.AbsolutePath);
        var served = await Client.Http.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/pdf", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await served.Content.ReadAsByteArrayAsync());
        Assert.Empty(gateway.Factory.StagedFiles);
    }

    [Fact]
    public async Task A_session_left_without_its_document_expires_and_then_refuses_send_with_410()
    {
        var id = await Client.CreateIdAsync();
        gateway.Clock.Advance(LocalStorageFixture.PendingLifetime - TimeSpan.FromSeconds(1));
        var (_, stillPending) = await Client.InfoAsync(id);
        gateway.Clock.Advance(TimeSpan.FromSeconds(2));

        var expired = await Client.WaitForStatusAsync(id, s => s != "pending", TimeSpan.FromSeconds(30));
        var (response, _) = await Client.SendAsync(id, SamplePdf.Create(seed: 21));

        Assert.Equal("pending", stillPending.GetProperty("status").GetString());
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Equal("session_expired", expired.GetProperty("error").GetProperty("code").GetString());
        await Problems.AssertAsync(response, HttpStatusCode.Gone, "session_expired");
        Assert.Empty(gateway.Factory.StagedFiles);
    }
}
