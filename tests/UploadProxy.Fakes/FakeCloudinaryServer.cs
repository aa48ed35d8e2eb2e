using System.Net;
using Microsoft.AspNetCore.Http.Features;
using UploadProxy.Fakes.Cloudinary;

namespace UploadProxy.Fakes;

/// <summary>
/// A fake of Cloudinary's Upload API on 127.0.0.1, for tests and benchmarks: it checks requests as Cloudinary does
/// (API key, timestamp, signature with the account's algorithm, public id, chunks), stores raw assets, serves them at
/// their delivery URLs and answers the Admin API's resource lookup. It records every request it receives.
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
        _account = new CloudinaryAccount(options.CloudName, options.ApiKey, options.ApiSecret, options.SignatureAlgorithm);
        _faults.Latency = options.Latency;
        _api = new CloudinaryApi(
            _account, _assets, new ChunkedUploads(_folder), _faults, new AdminRateLimit(options.AdminApiHourlyLimit), _folder, options.DiscardContent, _stopping.Token);

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

    /// <summary>The account's signature digest, <c>sha1</c> or <c>sha256</c>: the product's <c>Cloudinary:SignatureAlgorithm</c> must match it.</summary>
    public string SignatureAlgorithm => _account.SignatureAlgorithm;

    /// <summary>Added before answering each upload request; can be changed while running.</summary>
    public TimeSpan Latency
    {
        get => _faults.Latency;
        set => _faults.Latency = value;
    }

    /// <summary>Up to this much more per upload request, at random; can be changed while running.</summary>
    public TimeSpan LatencyJitter
    {
        get => _faults.LatencyJitter;
        set => _faults.LatencyJitter = value;
    }

    /// <summary>A snapshot of the stored assets, one per public id.</summary>
    public IReadOnlyCollection<FakeCloudinaryAsset> Assets => _assets.Snapshot();

    /// <summary>Every upload request received, chunks and refused requests included.</summary>
    public int UploadRequests => _api.UploadRequests;

    /// <summary>Every request received, in order: uploads, chunks and Admin API lookups, with what was answered.</summary>
    public IReadOnlyList<FakeCloudinaryRequest> Requests => _api.Requests;

    /// <summary>Admin API requests received, rate-limited ones included.</summary>
    public int AdminRequests => _api.Requests.Count(r => r.Kind == "lookup");

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
        ArgumentOutOfRangeException.ThrowIfNegative(options.AdminApiHourlyLimit);
        if (!CloudinarySigning.IsAlgorithm(options.SignatureAlgorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SignatureAlgorithm, "SignatureAlgorithm must be sha1 or sha256.");
        }

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

    /// <summary>Upload requests (whole files and chunks) that stored a new version of <paramref name="publicId"/>, lost answers included.</summary>
    public int StoredUploadsOf(string publicId) => _api.Requests.Count(r => r.Stored && r.PublicId == publicId);

    /// <summary>Every upload request (whole files and chunks) naming <paramref name="publicId"/>, whatever was answered.</summary>
    public int UploadRequestsFor(string publicId) => _api.Requests.Count(r => r.Kind != "lookup" && r.PublicId == publicId);

    /// <summary>
    /// The next <paramref name="count"/> upload requests answer <paramref name="statusCode"/>: a 5xx as the HTML page
    /// of Cloudinary's load balancer, a 4xx as Cloudinary's JSON error with <paramref name="message"/>; 420 and 429
    /// with <c>Retry-After: 1</c>. Injected failures store nothing.
    /// </summary>
    public void FailNext(int count, int statusCode, string message = "Injected failure") => _faults.FailNext(count, statusCode, message);

    /// <summary>As <see cref="FailNext(int, int, string)"/>, with the Retry-After the answers carry.</summary>
    public void FailNext(int count, int statusCode, string message, TimeSpan retryAfter) => _faults.FailNext(count, statusCode, message, retryAfter);

    /// <summary>The next <paramref name="count"/> Admin API lookups answer <paramref name="statusCode"/> (420 and 429 with <paramref name="retryAfter"/>, 1 s if not given).</summary>
    public void FailNextLookups(int count, int statusCode, TimeSpan? retryAfter = null) =>
        _faults.FailNextLookups(count, statusCode, statusCode is 420 or 429 ? "Rate Limit Exceeded" : "Injected failure", retryAfter);

    /// <summary>
    /// Each upload request that stores a version (a whole file, or the chunk that completes one) loses its answer with
    /// probability <paramref name="fraction"/>: the connection is dropped with nothing sent back, as when a network
    /// path fails after Cloudinary stored the file.
    /// </summary>
    public void LoseAnswers(double fraction, int seed = 1) => _faults.LoseAnswers(fraction, seed);

    /// <summary>The next <paramref name="count"/> upload requests that store a version lose their answers, their connections dropped.</summary>
    public void LoseNextAnswers(int count) => _faults.LoseNextAnswers(count);

    /// <summary>Stores every upload request but holds its answer until <see cref="Release"/> (or disposal, which drops it).</summary>
    public void HoldAnswers() => _faults.HoldAnswers();

    /// <summary>Holds every upload request, once its body is read, until <see cref="Release"/>.</summary>
    public void HoldUploads() => _faults.Hold();

    /// <summary>Lets held uploads (<see cref="HoldUploads"/>) and held answers (<see cref="HoldAnswers"/>) go.</summary>
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
