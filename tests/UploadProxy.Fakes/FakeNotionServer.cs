using System.Net;
using UploadProxy.Fakes.Notion;

namespace UploadProxy.Fakes;

/// <summary>
/// A fake of the Notion API on 127.0.0.1, for tests and benchmarks: it checks requests as Notion does (token, version
/// and its routes, rate limit, parents, property values and sizes), keeps databases and the pages created in them,
/// and answers both the 2022-06-28 and the 2025-09-03 shapes.
/// </summary>
public sealed class FakeNotionServer : IAsyncDisposable
{
    /// <summary>A plain documents database with every property UploadProxy writes by default.</summary>
    public static readonly IReadOnlyDictionary<string, string> DocumentsSchema = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Name"] = PropertyTypes.Title,
        ["URL"] = PropertyTypes.Url,
        ["File"] = PropertyTypes.Files,
        ["Session ID"] = PropertyTypes.RichText,
        ["Size"] = PropertyTypes.Number,
        ["Uploaded at"] = PropertyTypes.Date,
        ["Batch"] = PropertyTypes.RichText,
        ["Pages"] = PropertyTypes.Number,
        ["Text"] = PropertyTypes.RichText,
    };

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly NotionWorkspace _workspace;
    private readonly NotionFaults _faults = new();
    private readonly RequestLog _log = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebApplication _app;
    private Uri? _baseUrl;
    private int _disposed;

    private FakeNotionServer(FakeNotionOptions options)
    {
        Token = options.Token;
        _workspace = new NotionWorkspace(options.QueryIndexLag);
        _faults.Latency = options.Latency;
        var api = new NotionApi(
            options.Token,
            _workspace,
            new TokenBucket(options.RequestsPerSecond, options.Burst),
            _faults,
            _log,
            _stopping.Token,
            options.RateLimitRetryAfter is { } retryAfter ? (int)Math.Ceiling(retryAfter.TotalSeconds) : null);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        _app = builder.Build();
        _app.Run(api.HandleAsync);
    }

    /// <summary>Where the API answers, e.g. <c>http://127.0.0.1:41234/</c>: the product's <c>NOTION_BASE_URL</c>.</summary>
    public Uri BaseUrl => _baseUrl ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The integration token the fake accepts as <c>Authorization: Bearer {token}</c>.</summary>
    public string Token { get; }

    /// <summary>Added before answering each request; can be changed while running.</summary>
    public TimeSpan Latency
    {
        get => _faults.Latency;
        set => _faults.Latency = value;
    }

    /// <summary>A snapshot of every page created, in order, including those whose answer was lost.</summary>
    public IReadOnlyList<FakeNotionPage> Pages => _workspace.Pages;

    /// <summary>A snapshot of every request received, in order of arrival, refused ones included.</summary>
    public IReadOnlyList<FakeNotionRequest> Requests => _log.Snapshot();

    /// <summary>The most requests, refused ones included, that arrived within any one second.</summary>
    public int MaxRequestsInAnySecond => _log.MaxInAnySecond();

    /// <summary>The 429 answers given, injected ones included.</summary>
    public int RateLimitedResponses => _log.RateLimited;

    public static async Task<FakeNotionServer> StartAsync(FakeNotionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeNotionOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.Token);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        if (!double.IsFinite(options.RequestsPerSecond) || options.RequestsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestsPerSecond, "RequestsPerSecond must be a positive number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueryIndexLag, TimeSpan.Zero);
        if (options.RateLimitRetryAfter is { } retryAfter)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        }

        var server = new FakeNotionServer(options);
        try
        {
            await server._app.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        server._baseUrl = new Uri(server._app.Urls.Single());
        return server;
    }

    /// <summary>Creates a database shared with the integration, with one data source that has the given schema.</summary>
    /// <param name="propertyTypes">
    /// Property name to type: title (exactly one), rich_text, url, number, date, select, files, multi_select, checkbox.
    /// </param>
    /// <returns>The database's id, a dashed GUID.</returns>
    public string AddDatabase(string title, IReadOnlyDictionary<string, string> propertyTypes)
    {
        ArgumentException.ThrowIfNullOrEmpty(title);
        ArgumentNullException.ThrowIfNull(propertyTypes);
        foreach (var (name, type) in propertyTypes)
        {
            if (string.IsNullOrEmpty(name) || !PropertyTypes.All.Contains(type))
            {
                throw new ArgumentException(
                    $"Property '{name}' of type '{type}': names must not be empty, and types are {string.Join(", ", PropertyTypes.All)}.",
                    nameof(propertyTypes));
            }
        }

        if (propertyTypes.Values.Count(type => type == PropertyTypes.Title) != 1)
        {
            throw new ArgumentException("A database has exactly one title property.", nameof(propertyTypes));
        }

        return _workspace.AddDatabase(title, propertyTypes).Id;
    }

    public string DataSourceIdOf(string databaseId)
    {
        ArgumentNullException.ThrowIfNull(databaseId);
        var database = Guid.TryParse(databaseId, out var id) ? _workspace.FindDatabase(id.ToString()) : null;
        return database?.DataSourceId ?? throw new ArgumentException($"There is no database {databaseId}.", nameof(databaseId));
    }

    /// <summary>
    /// The next <paramref name="count"/> requests, whatever their route, answer Notion's error object with
    /// <paramref name="statusCode"/> and <paramref name="code"/>; a 429 with <c>Retry-After: 1</c>. They change nothing.
    /// </summary>
    public void FailNext(int count, int statusCode, string code = "internal_server_error", string message = "Injected failure") =>
        _faults.FailNext(count, statusCode, code, message);

    /// <summary>
    /// As <see cref="FailNext(int, int, string, string)"/>, each answer carrying <c>Retry-After</c>: a 429 of Notion's
    /// per-workspace limit (whose waits can exceed a minute), or a 529 <c>service_overload</c>.
    /// </summary>
    public void FailNext(int count, int statusCode, string code, string message, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        _faults.FailNext(count, statusCode, code, message, (int)Math.Ceiling(retryAfter.TotalSeconds));
    }

    /// <summary>
    /// The next page creation is checked, then commits <paramref name="delay"/> later whether or not its client still
    /// waits: past the client's timeout, the page exists although the client saw no answer, as at Notion.
    /// </summary>
    public void CommitNextCreateAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _faults.HoldNextCreate(delay);
    }

    /// <summary>
    /// The next page creation is checked, then waits, uncommitted, until <see cref="ReleaseHeldCreates"/>; it commits
    /// then whether or not its client still waits (it may have been killed meanwhile).
    /// </summary>
    public void HoldNextCreate() => _faults.HoldNextCreate(null);

    /// <summary>Lets every held page creation commit.</summary>
    /// <returns>How many were held.</returns>
    public int ReleaseHeldCreates() => _faults.ReleaseHeldCreates();

    /// <summary>How many page creations are held now, waiting for <see cref="ReleaseHeldCreates"/>.</summary>
    public int HeldCreates => _faults.HeldCreates;

    /// <summary>
    /// Makes the next page creation succeed on the server (the page is stored) but then drops the connection without
    /// an answer, as when a crash or timeout hides the outcome.
    /// </summary>
    public void LoseNextCreateResponse() => _faults.LoseNextCreate();

    /// <summary>
    /// Refuses every page creation with a <c>400 validation_error</c> carrying <paramref name="message"/>, as Notion does
    /// for a database whose properties do not fit the rows written to it, until <see cref="AcceptPageCreations"/>.
    /// </summary>
    public void RefusePageCreations(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        _faults.CreateRefusal = message;
    }

    /// <summary>Page creations are checked as usual again: the database was fixed.</summary>
    public void AcceptPageCreations() => _faults.CreateRefusal = null;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Delayed requests end at once, their connections dropped, so stopping does not wait for them.
        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
