using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

/// <summary>A gateway with its in-process silo on a fake Cloudinary account of its own, for tests that inject faults.</summary>
internal sealed class CloudinaryGateway : IAsyncDisposable
{
    private CloudinaryGateway(FakeCloudinaryServer cloudinary, GatewayFactory factory)
    {
        Cloudinary = cloudinary;
        Factory = factory;
        Client = new UploadProxyClient(factory.CreateClient());
    }

    public FakeCloudinaryServer Cloudinary { get; }

    public GatewayFactory Factory { get; }

    public UploadProxyClient Client { get; }

    /// <summary>Chunked uploads start above 5 MB, in 5 MB chunks, so that a test can send a chunked document quickly.</summary>
    /// <param name="services">Test services added after the product's, e.g. a grain call filter that injects a fault.</param>
    /// <param name="settings">Settings of the test's own, over the defaults.</param>
    public static async Task<CloudinaryGateway> StartAsync(
        FakeCloudinaryOptions? account = null, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var cloudinary = await FakeCloudinaryServer.StartAsync(account);
        var all = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithCloudinary(cloudinary);
        all["Cloudinary:SignatureAlgorithm"] = cloudinary.SignatureAlgorithm;
        all["Cloudinary:ChunkedUploadThresholdBytes"] = (5 * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        all["Cloudinary:ChunkSizeBytes"] = (5 * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new CloudinaryGateway(cloudinary, new GatewayFactory(all, services: services));
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Cloudinary.DisposeAsync();
    }
}
