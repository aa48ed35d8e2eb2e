using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Polly;
using UploadProxy.Grains.Cloudinary;
using UploadProxy.Grains.Persistence;
using UploadProxy.Grains.Sessions;
using UploadProxy.Grains.Staging;
using UploadProxy.Grains.Storage;

namespace UploadProxy.Grains.Hosting;

public static class UploadProxyHostingExtensions
{
    /// <summary>Options and the document store, shared by every process that runs grains.</summary>
    public static IServiceCollection AddUploadProxyServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudinaryOptions>().Bind(configuration.GetSection(CloudinaryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection(SessionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StandaloneOptions>().Bind(configuration.GetSection(StandaloneOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReminderOptions>().Configure<IOptions<SessionOptions>>((reminders, sessions) =>
        {
            if (sessions.Value.RecoveryInterval < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = sessions.Value.RecoveryInterval;
            }
        });
        services.AddSingleton(TimeProvider.System);

        var cloudinary = configuration.GetSection(CloudinaryOptions.SectionName).Get<CloudinaryOptions>() ?? new CloudinaryOptions();
        if (cloudinary.IsConfigured)
        {
            services.AddHttpClient<CloudinaryDocumentStore>(client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("cloudinary", (pipeline, context) =>
                {
                    var options = context.ServiceProvider.GetRequiredService<IOptions<CloudinaryOptions>>().Value;
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(options.TransportRetries, 1),
                        ShouldHandle = args => ValueTask.FromResult(
                            options.TransportRetries > 0 && IsTransient(args.Outcome)),
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

    /// <summary>The one-machine mode: localhost clustering, and state, reminders and staged bytes under the data folder.</summary>
    public static ISiloBuilder UseStandalonePersistence(this ISiloBuilder silo, IConfiguration configuration)
    {
        var standalone = configuration.GetSection(StandaloneOptions.SectionName).Get<StandaloneOptions>() ?? new StandaloneOptions();
        silo.UseLocalhostClustering(standalone.SiloPort, standalone.GatewayPort);
        silo.Services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.DatabasePath));
        silo.Services.AddGrainStorage(StorageNames.Sessions, (sp, _) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp));
        silo.Services.AddSingleton<IReminderTable, SqliteReminderTable>();
        silo.AddReminders();
        silo.Services.AddSingleton<IDocumentStagingStore>(sp =>
            new FileSystemStagingStore(sp.GetRequiredService<IOptions<StandaloneOptions>>().Value.StagingDirectory));
        return silo;
    }

    // 420 is Cloudinary's older "rate limited"; HttpClientResiliencePredicates covers 408, 429, 5xx and transport errors.
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        HttpClientResiliencePredicates.IsTransient(outcome) || outcome.Result?.StatusCode == (System.Net.HttpStatusCode)420;
}
