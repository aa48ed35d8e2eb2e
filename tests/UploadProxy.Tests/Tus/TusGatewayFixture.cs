using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>A gateway storing on the fake Cloudinary, with a 4 MB document limit and one CORS origin.</summary>
public sealed class TusGatewayFixture : IAsyncLifetime
{
    public const long MaxDocumentBytes = 4 * 1024 * 1024;
    public const string Origin = "https://uppy.example";

    public FakeCloudinaryServer Cloudinary { get; private set; } = null!;
    public GatewayFactory Factory { get; private set; } = null!;
    public TusClient Tus { get; private set; } = null!;
    public UploadProxyClient Sessions { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloudinary = await FakeCloudinaryServer.StartAsync();
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithCloudinary(Cloudinary);
        settings["Gateway:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:CorsOrigins:0"] = Origin;
        Factory = new GatewayFactory(settings);
        var http = Factory.CreateClient();
        Tus = new TusClient(http);
        Sessions = new UploadProxyClient(http);
    }

    public string PartPath(string url) => Path.Combine(Factory.DataDirectory, "staging", "tus", TusClient.IdOf(url) + ".part");

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Cloudinary.DisposeAsync();
    }
}
