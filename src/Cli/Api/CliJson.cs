using System.Text.Json.Serialization;
using UploadProxy.Cli.Upload;

namespace UploadProxy.Cli.Api;

/// <summary>Every JSON shape the CLI reads or writes: the gateway's snake_case, and the manifest in the same style.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    WriteIndented = true)]
[JsonSerializable(typeof(SessionResource))]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(BatchResource))]
[JsonSerializable(typeof(ProblemResource))]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class CliJson : JsonSerializerContext;
