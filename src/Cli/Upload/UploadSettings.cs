using System.ComponentModel;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UploadProxy.Cli.Upload;

internal sealed partial class UploadSettings : GatewaySettings
{
    [CommandArgument(0, "<PATHS>")]
    [Description("PDF files, or folders searched recursively for *.pdf (any case)")]
    public string[] Paths { get; init; } = [];

    [CommandOption("-b|--batch <NAME>", isRequired: true)]
    [Description("Batch id: 1 to 128 letters, digits, '.', '_', ':' or '-'")]
    public string Batch { get; init; } = "";

    [CommandOption("-c|--concurrency <N>")]
    [Description("Files sent at the same time")]
    [DefaultValue(4)]
    public int Concurrency { get; init; }

    [CommandOption("-m|--manifest <PATH>")]
    [Description("State and result file. Default: .uploadproxy-manifest.json in the first folder; the CSV goes beside it")]
    public string? Manifest { get; init; }

    [CommandOption("--wait <SECONDS>")]
    [Description("How long to wait for one file's upload (and Notion link) to finish before reporting it unfinished")]
    [DefaultValue(1800)]
    public int WaitSeconds { get; init; }

    [CommandOption("--resumable")]
    [Description("Upload over tus (/api/tus) in chunks, so that an interrupted run resumes each file where the gateway got to")]
    public bool Resumable { get; init; }

    [CommandOption("--chunk-size <BYTES>")]
    [Description("Bytes per tus PATCH with --resumable; at most this much is sent again after a cut")]
    [DefaultValue(UploadPlan.DefaultChunkSize)]
    public long ChunkSize { get; init; }

    public override ValidationResult Validate()
    {
        var gateway = base.Validate();
        if (!gateway.Successful)
        {
            return gateway;
        }

        if (!BatchIdFormat().IsMatch(Batch))
        {
            return ValidationResult.Error($"--batch must be 1 to 128 letters, digits, '.', '_', ':' or '-', not '{Batch}'.");
        }

        if (Concurrency is < 1 or > 64)
        {
            return ValidationResult.Error("--concurrency must be between 1 and 64.");
        }

        if (WaitSeconds < 1)
        {
            return ValidationResult.Error("--wait must be at least 1 second.");
        }

        if (ChunkSize < 1)
        {
            return ValidationResult.Error("--chunk-size must be at least 1 byte.");
        }

        var missing = Paths.FirstOrDefault(path => !File.Exists(path) && !Directory.Exists(path));
        return missing is null ? ValidationResult.Success() : ValidationResult.Error($"No such file or folder: {missing}");
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex BatchIdFormat();
}
