using Microsoft.Extensions.Configuration;

namespace UploadProxy.Hosting;

/// <summary>
/// Maps the original Node.js app's environment names (CLOUDINARY_URL, CLOUDINARY_API_KEY, …) onto the
/// configuration sections, so that an existing .env keeps working unchanged.
/// </summary>
public static class UploadProxyConfiguration
{
    private static readonly (string Environment, string Key)[] DirectNames =
    [
        ("CLOUDINARY_CLOUD_NAME", "Cloudinary:CloudName"),
        ("CLOUDINARY_API_KEY", "Cloudinary:ApiKey"),
        ("CLOUDINARY_API_SECRET", "Cloudinary:ApiSecret"),
        ("CLOUDINARY_UPLOAD_PREFIX", "Cloudinary:UploadPrefix"),
        ("CLOUDINARY_FOLDER", "Cloudinary:Folder"),
        ("NOTION_TOKEN", "Notion:Token"),
        ("NOTION_DATABASE_ID", "Notion:DatabaseId"),
        ("NOTION_BASE_URL", "Notion:BaseUrl"),
        ("UPLOADPROXY_DATA_DIR", "Standalone:DataDirectory"),
        ("UPLOADPROXY_MAX_DOCUMENT_BYTES", "Gateway:MaxDocumentBytes"),
        ("UPLOADPROXY_SEND_TIMEOUT", "Gateway:SendTimeout"),
        ("UPLOADPROXY_ALLOW_OPEN_NETWORK", "Gateway:AllowOpenNetworkWithoutKeys"),
        ("UPLOADPROXY_WEBHOOK_SECRET", "Webhooks:Secret"),
    ];

    /// <summary>Adds the original environment names; they win over appsettings and the .NET-style names.</summary>
    public static IConfigurationBuilder AddUploadProxyEnvironment(this IConfigurationBuilder builder) =>
        builder.AddInMemoryCollection(ReadEnvironment(Environment.GetEnvironmentVariable));

    internal static Dictionary<string, string?> ReadEnvironment(Func<string, string?> read)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (read("CLOUDINARY_URL") is { Length: > 0 } cloudinaryUrl)
        {
            var url = ParseCloudinaryUrl(cloudinaryUrl);
            values["Cloudinary:CloudName"] = url.CloudName;
            values["Cloudinary:ApiKey"] = url.ApiKey;
            values["Cloudinary:ApiSecret"] = url.ApiSecret;
        }

        AddList(values, read("UPLOADPROXY_API_KEYS"), "Gateway:ApiKeys");
        AddList(values, read("UPLOADPROXY_READ_KEYS"), "Gateway:ReadKeys");
        AddList(values, read("UPLOADPROXY_WEBHOOK_URLS"), "Webhooks:Endpoints", ":Url");

        foreach (var (environment, key) in DirectNames)
        {
            if (read(environment) is { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>A comma-separated environment value as the entries of a configuration list.</summary>
    private static void AddList(Dictionary<string, string?> values, string? commaSeparated, string key, string entrySuffix = "")
    {
        if (commaSeparated is not { Length: > 0 })
        {
            return;
        }

        var entries = commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            values[$"{key}:{i}{entrySuffix}"] = entries[i];
        }
    }

    /// <summary>Parses <c>cloudinary://{api_key}:{api_secret}@{cloud_name}</c>.</summary>
    internal static (string CloudName, string ApiKey, string ApiSecret) ParseCloudinaryUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "cloudinary"
            || uri.UserInfo.Split(':', 2) is not [{ Length: > 0 } key, { Length: > 0 } secret]
            || uri.Host.Length == 0)
        {
            // The value holds the secret: never echo it.
            throw new InvalidOperationException("CLOUDINARY_URL must look like cloudinary://api_key:api_secret@cloud_name.");
        }

        return (uri.Host, Uri.UnescapeDataString(key), Uri.UnescapeDataString(secret));
    }
}
