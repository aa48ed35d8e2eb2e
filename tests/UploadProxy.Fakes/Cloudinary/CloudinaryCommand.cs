using System.Globalization;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>Runs the fake Cloudinary by hand and prints the settings that point the product at it.</summary>
internal static class CloudinaryCommand
{
    public const string Usage = "cloudinary [--port 5090] [--cloud-name X] [--api-key Y] [--api-secret Z] [--latency-ms N] [--signature-algorithm sha1|sha256] [--discard-content]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not { } options)
        {
            Console.Error.WriteLine($"Usage: UploadProxy.Fakes {Usage}");
            return 2;
        }

        await using var server = await FakeCloudinaryServer.StartAsync(options);
        Console.WriteLine($"CLOUDINARY_URL=cloudinary://{Uri.EscapeDataString(server.ApiKey)}:{Uri.EscapeDataString(server.ApiSecret)}@{server.CloudName}");
        Console.WriteLine($"CLOUDINARY_UPLOAD_PREFIX={server.UploadPrefix.AbsoluteUri.TrimEnd('/')}");
        if (server.SignatureAlgorithm != "sha1")
        {
            Console.WriteLine($"Cloudinary__SignatureAlgorithm={server.SignatureAlgorithm}");
        }
        Console.Error.WriteLine("Fake Cloudinary is running; Ctrl+C stops it.");
        await StopSignal.WaitAsync();
        return 0;
    }

    private static FakeCloudinaryOptions? Parse(string[] args)
    {
        var options = new FakeCloudinaryOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--discard-content")
            {
                options.DiscardContent = true;
                continue;
            }

            if (++i == args.Length)
            {
                return null;
            }

            var value = args[i];
            switch (args[i - 1])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    options.Port = port;
                    break;
                case "--cloud-name":
                    options.CloudName = value;
                    break;
                case "--api-key":
                    options.ApiKey = value;
                    break;
                case "--api-secret":
                    options.ApiSecret = value;
                    break;
                case "--signature-algorithm" when CloudinarySigning.IsAlgorithm(value):
                    options.SignatureAlgorithm = value;
                    break;
                case "--latency-ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    options.Latency = TimeSpan.FromMilliseconds(milliseconds);
                    break;
                default:
                    return null;
            }
        }

        return options;
    }
}
