using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Polly;
using Microsoft.Extensions.DependencyInjection.Extensions;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Grains.Sessions.Steps;
using UploadProxy.Grains.Webhooks;
using UploadProxy.Integrations.Cloudinary;
using UploadProxy.Integrations.Documents;
using UploadProxy.Integrations.Notion;
using UploadProxy.Integrations.Storage;
using UploadProxy.Integrations.Webhooks;
using UploadProxy.Persistence;
using UploadProxy.Persistence.Sqlite;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Hosting;

public static class UploadProxyHostingExtensions
{
    private const string AdoNetInvariant = "Npgsql";

    /// <summary>Orleans' failure detection settings (ProbeTimeout, NumMissedProbesLimit, …), which bound how fast a dead silo's sessions move.</summary>
    private const string MembershipSection = "Cluster:Membership";

    /// <summary>Orleans' client settings of a gateway of a cluster (GatewayListRefreshPeriod, …).</summary>
    private const string ClientSection = "Cluster:Client";

    private const string ClusterWithoutCloudinary =
        "Cluster:Clustering is AdoNet but Cloudinary is not configured: a cluster stores documents on Cloudinary (set CLOUDINARY_URL), " +
        "because a document stored on one silo's local disk is not served by the gateways.";

    public static ClusterHostingOptions GetClusterHostingOptions(this IConfiguration configuration) =>
        configuration.GetSection(ClusterHostingOptions.SectionName).Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();

    /// <summary>Options, the staging store and the document store, shared by gateways and silos.</summary>
    public static IServiceCollection AddUploadProxyServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudinaryOptions>().Bind(configuration.GetSection(CloudinaryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StandaloneOptions>().Bind(configuration.GetSection(StandaloneOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClusterHostingOptions>().Bind(configuration.GetSection(ClusterHostingOptions.SectionName)).ValidateDataAnnotations()
            // Local storage would hand out URLs that only the silo which stored the document could serve.
            .Validate<IOptions<CloudinaryOptions>>((cluster, cloudinary) => cluster.Clustering != ClusteringMode.AdoNet || cloudinary.Value.IsConfigured, ClusterWithoutCloudinary)
            .ValidateOnStart();
        services.AddOptions<ReminderOptions>().Configure<IOptions<SessionOptions>>((reminders, sessions) =>
        {
            if (sessions.Value.RecoveryInterval < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = sessions.Value.RecoveryInterval;
            }
        });
        services.AddOptions<NotionOptions>().Bind(configuration.GetSection(NotionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddNotionClient();
        services.AddWebhooks(configuration);
        services.ConfigureGrainStateSerializer();
        services.TryAddSingleton<IDocumentInspector, PdfPigDocumentInspector>();
        services.AddSingleton<UploadSlots>();
        services.AddSingleton<StoreStep>();
        services.AddSingleton<InspectStep>();
        services.AddSingleton<LinkStep>();
        services.AddSingleton<SessionSteps>();

        var cluster = configuration.GetClusterHostingOptions();
        if (cluster.Clustering == ClusteringMode.AdoNet)
        {
            services.AddSingleton(_ => PostgresStagingStore.CreateDataSource(cluster.ConnectionString!));
            services.AddSingleton<IDocumentStagingStore, PostgresStagingStore>();
            services.AddSingleton<IUploadPartStore, PostgresUploadPartStore>();
        }
        else
        {
            services.AddSingleton<IDocumentStagingStore>(sp =>
                new FileSystemStagingStore(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.StagingDirectory));
            services.AddSingleton<IUploadPartStore>(sp =>
                new FileSystemUploadPartStore(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.StagingDirectory));
        }

        var cloudinary = configuration.GetSection(CloudinaryOptions.SectionName).Get<CloudinaryOptions>() ?? new CloudinaryOptions();
        if (cloudinary.IsConfigured)
        {
            services.AddSingleton<CloudinaryAdminGate>();
            services.AddSingleton<NothingStoredYet>();
            services.AddHttpClient<CloudinaryDocumentStore>(client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("cloudinary", (pipeline, context) =>
                {
                    var options = context.ServiceProvider.GetRequiredService<IOptions<CloudinaryOptions>>().Value;
                    var clock = context.ServiceProvider.GetRequiredService<TimeProvider>();
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(options.TransportRetries, 1),
                        // Only what surely did nothing is sent again; an upload with an unknown outcome is the session's to look up.
                        ShouldHandle = args => ValueTask.FromResult(options.TransportRetries > 0
                            && CloudinaryFailurePolicy.MayResend(args.Outcome, args.Context.GetRequestMessage(), clock.GetUtcNow())),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.TransportRetryDelay,
                    });
                    pipeline.AddTimeout(options.AttemptTimeout);
                });
            services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<CloudinaryDocumentStore>());
        }
        else
        {
            services.AddSingleton<IDocumentStore>(sp => new LocalDocumentStore(
                sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.DocumentsDirectory,
                sp.GetRequiredService<IDocumentStagingStore>(),
                sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    /// <summary>Joins the cluster the configuration names: the one-machine mode, or PostgreSQL through Orleans' ADO.NET providers.</summary>
    public static ISiloBuilder UseUploadProxySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        if ((configuration.GetSection(NotionOptions.SectionName).Get<NotionOptions>() ?? new NotionOptions()).IsConfigured)
        {
            silo.Services.AddHostedService<NotionSchemaReport>();
        }

        silo.AddActivityPropagation();
        silo.AddDashboard();
        silo.Services.AddHostedService<StagingSweeper>();
        var cluster = configuration.GetClusterHostingOptions();
        if (cluster.Clustering == ClusteringMode.Localhost)
        {
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort).AddEmbeddedPersistence();
        }

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.Services.Configure<ClusterMembershipOptions>(FailureDetectionDefaults.Apply);
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(MembershipSection));
        silo.ConfigureEndpoints(AdvertisedAddress(cluster), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.AdvertisedAddress is not null);
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = cluster.ConnectionString;
        });
        return silo.AddPostgresPersistence(cluster.ConnectionString!);
    }

    /// <summary>Grain state and reminders in PostgreSQL through Orleans' own ADO.NET providers.</summary>
    public static ISiloBuilder AddPostgresPersistence(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Sessions, options =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = connectionString;
        });
        return silo;
    }

    /// <summary>A gateway that is an Orleans client of a PostgreSQL-backed cluster.</summary>
    public static IClientBuilder UseUploadProxyClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = configuration.GetClusterHostingOptions();
        client.AddActivityPropagation();
        client.AddDashboard();
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        client.Services.Configure<GatewayOptions>(FailureDetectionDefaults.Apply);
        client.Services.Configure<GatewayOptions>(configuration.GetSection(ClientSection));
        return client.UseAdoNetClustering(options =>
        {
            options.Invariant = AdoNetInvariant;
            options.ConnectionString = cluster.ConnectionString;
        });
    }

    /// <summary>Grain state, reminders and staged bytes under the data folder, in SQLite and plain files.</summary>
    public static ISiloBuilder AddEmbeddedPersistence(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.DatabasePath));
        silo.Services.AddGrainStorage(StorageNames.Sessions, (sp, _) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp));
        silo.Services.AddSingleton<IReminderTable, SqliteReminderTable>();
        silo.AddReminders();
        return silo;
    }

    /// <summary>
    /// Grain state is read into new objects, never into the defaults of an existing one: Newtonsoft.Json, Orleans'
    /// storage serializer, otherwise fills a property's current value in place, so a default instance shared
    /// between states would carry one grain's values into every other grain.
    /// </summary>
    private static void ConfigureGrainStateSerializer(this IServiceCollection services) =>
        services.Configure<OrleansJsonSerializerOptions>(options =>
            options.JsonSerializerSettings.ObjectCreationHandling = Newtonsoft.Json.ObjectCreationHandling.Replace);

    /// <summary>Webhook delivery: validated endpoints, a client that never follows a redirect, and what grains need to deliver.</summary>
    private static void AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookServices>();
    }

    private static void AddNotionClient(this IServiceCollection services)
    {
        services.AddSingleton<NotionClient>();
        services.AddSingleton<NotionSchemaCheck>();
        services.AddTransient<NotionRateGateHandler>();
        var notion = services.AddHttpClient(NotionClient.HttpClientName, (sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<NotionOptions>>().Value;
                client.BaseAddress = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/");
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.Token);
                client.DefaultRequestHeaders.Add("Notion-Version", options.Version);
            });
        notion.AddResilienceHandler("notion", pipeline =>
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    ShouldHandle = args => ValueTask.FromResult(NotionFailurePolicy.ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
                    // Retry-After is honoured by the rate gate, which holds every caller in the cluster, not by this
                    // retry alone; the retried attempt takes its slot after the hold like everyone else.
                    ShouldRetryAfterHeader = false,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                });
            });

        // Inside the retry: every attempt, retries included, waits for its slot in the cluster-wide schedule,
        // and only then starts its own timeout.
        notion.AddHttpMessageHandler<NotionRateGateHandler>();
    }

    private static IPAddress AdvertisedAddress(ClusterHostingOptions cluster) =>
        cluster.AdvertisedAddress is { Length: > 0 } address ? IPAddress.Parse(address) : IPAddress.Loopback;
}
