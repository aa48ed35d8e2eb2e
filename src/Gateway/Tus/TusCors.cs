namespace UploadProxy.Gateway.Tus;

/// <summary>
/// CORS for browser tus clients (Uppy, tus-js-client) on the origins of <c>Gateway:CorsOrigins</c>: the tus request
/// headers are allowed and the ones a client reads are exposed. With no origin configured there is no CORS at all.
/// </summary>
internal static class TusCors
{
    public const string PolicyName = "tus";

    private static readonly string[] RequestHeaders =
    [
        TusProtocol.TusResumable, TusProtocol.UploadLength, TusProtocol.UploadOffset, TusProtocol.UploadMetadata,
        TusProtocol.UploadDeferLength, TusProtocol.UploadChecksum, TusProtocol.UploadConcat, "Content-Type", "Authorization",
        "X-Api-Key", TusProtocol.MethodOverride, "X-Requested-With",
    ];

    private static readonly string[] ExposedHeaders =
    [
        "Location", TusProtocol.UploadOffset, TusProtocol.UploadLength, TusProtocol.UploadExpires, TusProtocol.UploadMetadata,
        TusProtocol.UploadDeferLength, TusProtocol.TusResumable, TusProtocol.TusVersion, TusProtocol.TusExtension,
        TusProtocol.TusMaxSize, TusProtocol.TusChecksumAlgorithm,
    ];

    public static IServiceCollection AddTusCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.CorsOrigins)}").Get<string[]>() ?? [];
        return services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins([.. origins.Where(o => o.Length > 0)])
            .WithMethods("OPTIONS", "POST", "HEAD", "PATCH", "DELETE", "GET")
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
    }

    /// <summary>
    /// CORS and the tus rules on /api/tus, before the API key is asked: a browser's preflight carries no key, and a
    /// 401 must still carry <c>Tus-Resumable</c> and the CORS headers the browser needs to read it.
    /// </summary>
    public static WebApplication UseTusProtocol(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(TusProtocol.BasePath), tus =>
        {
            tus.UseCors(PolicyName);
            tus.UseMiddleware<TusResumableMiddleware>();
        });
        return app;
    }
}
