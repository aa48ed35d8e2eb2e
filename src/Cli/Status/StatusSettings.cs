using System.ComponentModel;
using Spectre.Console.Cli;

namespace UploadProxy.Cli.Status;

internal sealed class StatusSettings : GatewaySettings
{
    [CommandArgument(0, "<BATCH>")]
    [Description("The batch id given to upload")]
    public string Batch { get; init; } = "";
}
