using System.Net;
using Microsoft.AspNetCore.Http.Features;
using UploadProxy.Fakes.Cloudinary;

namespace UploadProxy.Fakes;

/// <summary>
/// A fake of Cloudinary's Upload API on 127.0.0.1, for tests and benchmarks: it checks requests as Cloudinary does
/// (API key, timestamp, signature, public id, chunks), stores raw assets and serves them at their delivery URLs.
/// </summary>
public sealed class FakeCloudinaryServer : IAsyncDisposable
{
    private const long MaxMultipartBodyBytes = 200L * 1024 * 1024;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly CloudinaryAccount _account;
    private readonly TempFolder _folder = new();
    private readonly AssetStore _assets = new();
    private readonly UploadFaults _faults = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CloudinaryApi _api;
    private readonly WebApplication _app;
    private Uri? _uploadPrefix;
    private int _disposed;

    private FakeCloudinaryServer(FakeCloudinaryOptions options)
    {
        _account = new CloudinaryAccount(options.CloudName, options.ApiKey, options.ApiSecret);
        _faults.Latency = options.Latency;
        _api = new CloudinaryApi(_account, _assets, new ChunkedUploads(_folder), _faults, _folder, options.DiscardContent, _stopping.Token);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddRoutingCore();
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = MaxMultipartBodyBytes);
        _app = builder.Build();
        _api.Map(_app);
    }

    /// <summary>Where the Upload API answers, e.g. <c>http://127.0.0.1:41234</c>: the product's <c>CLOUDINARY_UPLOAD_PREFIX</c>.</summary>
    public Uri UploadPrefix => _uploadPrefix ?? throw new InvalidOperationException("The server has not started.");

    public string CloudName => _account.CloudName;

    public string ApiKey => _account.ApiKey;

    public string ApiSecret => _account.ApiSecret;

    /// <summary>Added before answering each upload request; can be changed while running.</summary>
    public TimeSpan Latency
    {
        get => _faults.Latency;
        set => _faults.Latency = value;
    }

    /// <summary>A snapshot of the stored assets, one per public id.</summary>
    public IReadOnlyCollection<FakeCloudinaryAsset> Assets => _assets.Snapshot();

    /// <summary>Every upload request received, chunks and refused requests included.</summary>
    public int UploadRequests => _api.UploadRequests;

    /// <summary>Every upload request whose form was read, in order: held, aborted, failed and stored ones alike.</summary>
    public IReadOnlyList<FakeCloudinaryUploadRequest> ReceivedUploads => _api.ReceivedUploads;

    /// <summary>The upload requests the fake refused, in order, injected failures included.</summary>
    public IReadOnlyList<FakeCloudinaryRejection> Rejections => _api.Rejections;

    public static async Task<FakeCloudinaryServer> StartAsync(FakeCloudinaryOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeCloudinaryOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.CloudName);
        ArgumentException.ThrowIfNullOrEmpty(options.ApiKey);
        ArgumentException.ThrowIfNullOrEmpty(options.ApiSecret);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);

        var server = new FakeCloudinaryServer(options);
        try
        {
            await server._app.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        server._uploadPrefix = new Uri(server._app.Urls.Single());
        server._api.Listening(server._uploadPrefix);
        return server;
    }

    public FakeCloudinaryAsset? Find(string publicId) => _assets.Find(publicId);

    /// <summary>
    /// The next <paramref name="count"/> upload requests answer <paramref name="statusCode"/>: a 5xx as the HTML page
    /// of Cloudinary's load balancer, a 4xx as Cloudinary's JSON error with <paramref name="message"/>; 420 and 429
    /// with <c>Retry-After: 1</c>. Injected failures store nothing.
    /// </summary>
    public void FailNext(int count, int statusCode, string message = "Injected failure") => _faults.FailNext(count, statusCode, message);

    /// <summary>Holds every upload request, once its body is read, until <see cref="Release"/>.</summary>
    public void HoldUploads() => _faults.Hold();

    public void Release() => _faults.Release();

    /// <summary>Upload requests held right now: a request whose client went away (a killed process) is no longer held.</summary>
    public int HeldUploads => _faults.Held;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Held and delayed requests end at once, their connections dropped, so stopping does not wait for them.
        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
        _folder.Delete();
    }
}
