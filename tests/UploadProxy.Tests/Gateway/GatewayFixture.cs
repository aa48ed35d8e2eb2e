using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Gateway;

/// <summary>A gateway storing on the fake Cloudinary, with a 16 MB limit and chunked uploads above 5 MB.</summary>
public sealed class CloudinaryGatewayFixture : IAsyncLifetime
{
    public const long MaxDocumentBytes = 16 * 1024 * 1024;

    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public GatewayFactory Factory { get; private set; } = null!;
    public UploadProxyClient Client { get; private set; } = null!;

    /// <summary>What the gateway read of each request's body.</summary>
    public RequestBodyMeter BodyMeter { get; } = new();

    public async Task InitializeAsync()
    {
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithCloudinary(Cloudinary);
        settings["Gateway:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Cloudinary:ChunkedUploadThresholdBytes"] = (5 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Cloudinary:ChunkSizeBytes"] = (5 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Factory = new GatewayFactory(settings, services: services => services.AddSingleton<IStartupFilter>(BodyMeter));
        Client = new UploadProxyClient(Factory.CreateClient());
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Cloudinary.DisposeAsync();
    }
}
