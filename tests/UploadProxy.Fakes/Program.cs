using UploadProxy.Fakes.Cloudinary;
using UploadProxy.Fakes.Notion;

namespace UploadProxy.Fakes;

/// <summary>Runs a fake by hand: one sub-command per faked service; each runs until Ctrl+C or SIGTERM.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["cloudinary", .. var options] => await CloudinaryCommand.RunAsync(options),
        ["notion", .. var options] => await NotionCommand.RunAsync(options),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine($"Usage: UploadProxy.Fakes {CloudinaryCommand.Usage}");
        Console.Error.WriteLine($"       UploadProxy.Fakes {NotionCommand.Usage}");
        return 2;
    }
}
