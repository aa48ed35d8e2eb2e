using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using UploadProxy.Hosting;
using UploadProxy.Integrations.Cloudinary;
using UploadProxy.Integrations.Notion;
using UploadProxy.Integrations.Webhooks;
using UploadProxy.Persistence;

namespace UploadProxy.Gateway;

/// <summary>
/// What a person who just started the gateway needs to know, logged once it listens: where to point a browser, where
/// documents go, whether Notion linking is on, where the data lives and which cluster this is. Names only: never an
/// API key, a secret, a token or a password.
/// </summary>
internal static partial class StartupReport
{
    private const string Category = "UploadProxy.Gateway";

    public static WebApplication LogStartupReportWhenStarted(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var oneMachine = app.Services.GetRequiredService<IOptions<ClusterHostingOptions>>().Value.Clustering == ClusteringMode.Localhost;
        app.Lifetime.ApplicationStarted.Register(() => Write(app.Services, logger));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            if (oneMachine)
            {
                LogStoppingOneMachine(logger);
            }
            else
            {
                LogStoppingClient(logger);
            }
        });
        return app;
    }

    private static void Write(IServiceProvider services, ILogger logger)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var cluster = services.GetRequiredService<IOptions<ClusterHostingOptions>>().Value;
        var standalone = services.GetRequiredService<IOptions<StandaloneOptions>>().Value;
        var cloudinary = services.GetRequiredService<IOptions<CloudinaryOptions>>().Value;
        var notion = services.GetRequiredService<IOptions<NotionOptions>>().Value;
        var webhooks = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var dataDirectory = Path.GetFullPath(standalone.DataDirectory);

        if (addresses.Count > 0)
        {
            var listening = string.Join(", ", addresses);
            var browse = Browsable(addresses[0]);
            var dashboard = $"{browse}/";
            var docs = $"{browse}/docs";
            LogListening(logger, listening, dashboard, docs);
        }

        if (cloudinary.IsConfigured)
        {
            var endpoint = Endpoint(cloudinary.UploadPrefix);
            LogCloudinaryStorage(logger, cloudinary.CloudName!, cloudinary.Folder, endpoint);
        }
        else
        {
            var documents = Path.GetFullPath(standalone.DocumentsDirectory);
            var publicBaseUrl = standalone.PublicBaseUrl.TrimEnd('/');
            LogLocalStorage(logger, documents, publicBaseUrl);
        }

        if (notion.IsConfigured)
        {
            var endpoint = Endpoint(notion.BaseUrl);
            LogNotionOn(logger, notion.DatabaseId!, notion.Version, notion.RequestsPerSecond, endpoint);
        }
        else
        {
            LogNotionOff(logger);
        }

        if (webhooks.IsConfigured)
        {
            // Endpoints without their query string, which may hold a token; never a secret.
            var endpoints = string.Join(", ", webhooks.Endpoints.Select(e => WebhookFailurePolicy.Describe(e.Url!.AbsoluteUri)));
            LogWebhooksOn(logger, webhooks.Endpoints.Count, endpoints, webhooks.AllowedHosts.Count);
        }
        else
        {
            LogWebhooksOff(logger);
        }

        if (cluster.Clustering == ClusteringMode.AdoNet)
        {
            // Host, port and database only: the connection string may hold a password.
            var connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
            var database = $"{connection.Host}:{connection.Port}/{connection.Database}";
            LogCluster(logger, cluster.ClusterId, database);
            if (cloudinary.IsConfigured)
            {
                LogNoDataDirectory(logger);
            }
            else
            {
                LogDataDirectoryOfCluster(logger, dataDirectory);
            }
        }
        else
        {
            LogOneMachine(logger, cluster.SiloPort, cluster.GatewayPort);
            var holds = cloudinary.IsConfigured ? "session state and staged documents" : "session state, staged and stored documents";
            LogDataDirectory(logger, dataDirectory, holds);
        }
    }

    /// <summary>A listening address a browser can open: a wildcard host becomes localhost.</summary>
    private static string Browsable(string address)
    {
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    /// <summary>Scheme, host and port: never user information a URL might carry.</summary>
    private static string Endpoint(Uri uri) => $"{uri.Scheme}://{uri.Authority}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Addresses}: dashboard {DashboardUrl}, API docs {DocsUrl}. Ctrl+C stops it.")]
    private static partial void LogListening(ILogger logger, string addresses, string dashboardUrl, string docsUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: Cloudinary, cloud {CloudName}, folder {Folder}, API {Endpoint}")]
    private static partial void LogCloudinaryStorage(ILogger logger, string cloudName, string folder, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage: local, in {DocumentsDirectory}, served at {PublicBaseUrl}/documents (set CLOUDINARY_URL to store on Cloudinary)")]
    private static partial void LogLocalStorage(ILogger logger, string documentsDirectory, string publicBaseUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notion linking: on, database {DatabaseId}, API version {Version}, {RequestsPerSecond} requests/s for the cluster, {Endpoint}")]
    private static partial void LogNotionOn(ILogger logger, string databaseId, string version, double requestsPerSecond, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notion linking: off (set NOTION_TOKEN and NOTION_DATABASE_ID to link each document into a database)")]
    private static partial void LogNotionOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: on, {Count} endpoint(s) {Endpoints}; {AllowedHosts} host(s) allowed for a session's webhook_url")]
    private static partial void LogWebhooksOn(ILogger logger, int count, string endpoints, int allowedHosts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhooks: off (set UPLOADPROXY_WEBHOOK_URLS and UPLOADPROXY_WEBHOOK_SECRET to be told when documents are stored)")]
    private static partial void LogWebhooksOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: one machine, the silo runs in this process (silo port {SiloPort}, Orleans gateway port {GatewayPort})")]
    private static partial void LogOneMachine(ILogger logger, int siloPort, int gatewayPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: {ClusterId} on PostgreSQL {Database} (AdoNet); this gateway is a client of its silos")]
    private static partial void LogCluster(ILogger logger, string clusterId, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data folder: {DataDirectory} ({Holds})")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory, string holds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data folder: {DataDirectory} (stored documents; session state and staged documents are in PostgreSQL)")]
    private static partial void LogDataDirectoryOfCluster(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Data folder: not used (session state and staged documents are in PostgreSQL, documents on Cloudinary)")]
    private static partial void LogNoDataDirectory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping; unfinished uploads resume at the next start")]
    private static partial void LogStoppingOneMachine(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping; the silos carry on with every upload already accepted")]
    private static partial void LogStoppingClient(ILogger logger);
}
