using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Hosting;
using UploadProxy.Integrations.Storage;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

/// <summary>The Cloudinary store as the silo builds it (typed HttpClient, resilience pipeline), driven attempt by attempt.</summary>
public sealed class CloudinaryDocumentStoreTests : IAsyncLifetime
{
    private readonly AdjustableClock _clock = new();
    private readonly string _dataDirectory = TestSettings.NewDataDirectory();
    private FakeCloudinaryServer _cloudinary = null!;
    private ServiceProvider _services = null!;

    private IDocumentStore Store => _services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        _cloudinary = await FakeCloudinaryServer.StartAsync();
        var settings = TestSettings.Standalone(_dataDirectory).WithCloudinary(_cloudinary);
        var services = new ServiceCollection().AddLogging();
        services.AddUploadProxyServices(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(_clock);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _cloudinary.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task A_first_attempt_that_succeeds_makes_no_admin_api_request()
    {
        var document = await StageAsync(SamplePdf.Create(seed: 31));

        var asset = await Store.StoreAsync(document, CancellationToken.None);

        Assert.Equal(document.PublicId, asset.PublicId);
        Assert.Equal(0, _cloudinary.AdminRequests);
        Assert.Equal(1, _cloudinary.UploadRequestsFor(document.PublicId));
    }

    [Fact]
    public async Task A_server_error_on_an_upload_is_not_sent_again_by_the_transport_but_looked_up_by_the_next_attempt()
    {
        var document = await StageAsync(SamplePdf.Create(seed: 32));
        _cloudinary.FailNext(1, 502);

        var failure = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.StoreAsync(document, CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.True(failure.OutcomeUnknown);
        Assert.Equal(1, _cloudinary.UploadRequestsFor(document.PublicId));

        var asset = await Store.StoreAsync(document with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal(document.PublicId, asset.PublicId);
        Assert.Equal(1, _cloudinary.AdminRequests);
        Assert.Equal(2, _cloudinary.UploadRequestsFor(document.PublicId));
        Assert.Equal(1, _cloudinary.StoredUploadsOf(document.PublicId));
    }

    [Fact]
    public async Task An_upload_whose_answer_was_lost_is_adopted_by_the_next_attempt_without_uploading_again()
    {
        var pdf = SamplePdf.Create(seed: 33);
        var document = await StageAsync(pdf);
        _cloudinary.LoseNextAnswers(1);

        var failure = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.StoreAsync(document, CancellationToken.None));
        var asset = await Store.StoreAsync(document with { Attempt = 2 }, CancellationToken.None);

        Assert.True(failure.IsTransient && failure.OutcomeUnknown, failure.Code);
        Assert.Equal(_cloudinary.Find(document.PublicId)?.SecureUrl, asset.SecureUrl);
        Assert.Equal(pdf.Length, asset.Bytes);
        Assert.Equal(1, _cloudinary.UploadRequestsFor(document.PublicId));
        Assert.Equal(1, _cloudinary.AdminRequests);
    }

    [Fact]
    public async Task An_asset_of_the_same_size_but_other_bytes_is_uploaded_over()
    {
        var pdf = SamplePdf.Create(seed: 34);
        var first = await StageAsync(pdf);
        await Store.StoreAsync(first, CancellationToken.None);
        var other = (byte[])pdf.Clone();
        other[pdf.Length / 2] ^= 0x20;
        var staged = await _services.GetRequiredService<IDocumentStagingStore>().StageAsync(SessionId.New(), other);

        await Store.StoreAsync(first with { StagingKey = staged.StagingKey, Sha256 = staged.Sha256, Attempt = 2 }, CancellationToken.None);

        Assert.Equal(SamplePdf.Sha256(other), _cloudinary.Find(first.PublicId)?.Sha256);
        Assert.Equal(2, _cloudinary.StoredUploadsOf(first.PublicId));
        Assert.Equal(1, _cloudinary.AdminRequests);
    }

    [Fact]
    public async Task After_an_upload_refused_for_rate_the_next_attempt_uploads_without_a_lookup()
    {
        var document = await StageAsync(SamplePdf.Create(seed: 37));
        // Longer than the transport waits: the session's next attempt sends it again.
        _cloudinary.FailNext(1, 420, "Rate Limit Exceeded", TimeSpan.FromSeconds(30));

        var limited = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.StoreAsync(document, CancellationToken.None));
        await Store.StoreAsync(document with { Attempt = 2 }, CancellationToken.None);

        Assert.Equal("cloudinary_rate_limited", limited.Code);
        Assert.True(limited.IsTransient && !limited.OutcomeUnknown);
        Assert.Equal(0, _cloudinary.AdminRequests);
        Assert.Equal(2, _cloudinary.UploadRequestsFor(document.PublicId));
        Assert.Equal(1, _cloudinary.StoredUploadsOf(document.PublicId));
    }

    [Fact]
    public async Task An_upload_rate_limited_briefly_is_sent_again_by_the_transport_after_retry_after()
    {
        var document = await StageAsync(SamplePdf.Create(seed: 38));
        _cloudinary.FailNext(1, 429, "Too many requests", TimeSpan.FromSeconds(1));

        await Store.StoreAsync(document, CancellationToken.None);

        Assert.Equal(2, _cloudinary.UploadRequestsFor(document.PublicId));
        Assert.Equal(1, _cloudinary.StoredUploadsOf(document.PublicId));
    }

    [Fact]
    public async Task A_rate_limited_lookup_keeps_every_attempt_off_the_admin_api_until_retry_after()
    {
        var document = await StageAsync(SamplePdf.Create(seed: 35)) with { Attempt = 2 };
        _cloudinary.FailNextLookups(1, 420, TimeSpan.FromSeconds(30));

        var limited = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.StoreAsync(document, CancellationToken.None));
        var stillClosed = await Assert.ThrowsAsync<DocumentStoreException>(() => Store.StoreAsync(document with { Attempt = 3 }, CancellationToken.None));

        Assert.True(limited.IsTransient);
        Assert.Equal("cloudinary_rate_limited", limited.Code);
        Assert.Equal("cloudinary_rate_limited", stillClosed.Code);
        Assert.Equal(1, _cloudinary.AdminRequests);
        Assert.Equal(0, _cloudinary.UploadRequestsFor(document.PublicId));

        _clock.Advance(TimeSpan.FromSeconds(31));
        await Store.StoreAsync(document with { Attempt = 4 }, CancellationToken.None);

        Assert.Equal(2, _cloudinary.AdminRequests);
        Assert.Equal(1, _cloudinary.StoredUploadsOf(document.PublicId));
    }

    [Fact]
    public async Task An_admin_api_allowance_used_up_is_not_asked_again_before_it_resets()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync(new FakeCloudinaryOptions { AdminApiHourlyLimit = 1 });
        var settings = TestSettings.Standalone(_dataDirectory).WithCloudinary(cloudinary);
        var services = new ServiceCollection().AddLogging();
        services.AddUploadProxyServices(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IDocumentStore>();
        var staged = await provider.GetRequiredService<IDocumentStagingStore>().StageAsync(SessionId.New(), SamplePdf.Create(seed: 36));
        var document = Document(staged) with { Attempt = 2 };

        await store.StoreAsync(document, CancellationToken.None);
        var closed = await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync(document with { Attempt = 3 }, CancellationToken.None));

        Assert.Equal("cloudinary_rate_limited", closed.Code);
        Assert.Equal(1, cloudinary.AdminRequests);
    }

    private async Task<DocumentToStore> StageAsync(byte[] pdf) =>
        Document(await _services.GetRequiredService<IDocumentStagingStore>().StageAsync(SessionId.New(), pdf));

    private static DocumentToStore Document(StagedDocument staged) => new(
        SessionId.New(),
        $"dashboard-documents/{Guid.NewGuid():N}-scan.pdf",
        staged.StagingKey,
        staged.Length,
        staged.Sha256,
        Guid.NewGuid().ToString("N"));

    /// <summary>The system clock, moved forward by hand: waits still take real time, "now" jumps.</summary>
    private sealed class AdjustableClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
