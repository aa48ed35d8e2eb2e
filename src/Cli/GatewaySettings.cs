using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UploadProxy.Cli;

/// <summary>The options every command needs to reach the gateway.</summary>
internal abstract class GatewaySettings : CommandSettings
{
    [CommandOption("-g|--gateway <URL>", isRequired: true)]
    [Description("Base URL of the gateway, e.g. http://localhost:5000")]
    public string Gateway { get; init; } = "";

    [CommandOption("--api-key <KEY>")]
    [Description("Sent as 'Authorization: Bearer KEY'. Default: the UPLOADPROXY_API_KEY environment variable")]
    public string? ApiKey { get; init; }

    public Uri GatewayUri => new(Gateway, UriKind.Absolute);

    public override ValidationResult Validate() =>
        Uri.TryCreate(Gateway, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? ValidationResult.Success()
            : ValidationResult.Error($"--gateway must be an absolute http or https URL, not '{Gateway}'.");
}
