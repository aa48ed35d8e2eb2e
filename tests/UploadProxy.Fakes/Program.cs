using UploadProxy.Fakes.Cloudinary;

namespace UploadProxy.Fakes;

/// <summary>Runs a fake by hand: one sub-command per faked service; each runs until Ctrl+C or SIGTERM.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["cloudinary", .. var options] => await CloudinaryCommand.RunAsync(options),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine($"Usage: UploadProxy.Fakes {CloudinaryCommand.Usage}");
        return 2;
    }
}
