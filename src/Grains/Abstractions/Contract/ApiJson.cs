using System.Text.Json;
using System.Text.Json.Serialization;

namespace UploadProxy.Grains.Contract;

/// <summary>The contract's JSON: snake_case names and enum values. The gateway's answers and webhook bodies both use it.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Gives <paramref name="options"/> the contract's naming; the gateway applies it to its HTTP JSON options.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
