using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>API keys on /api/tus as on the rest of /api; a browser's preflight still passes, since it can carry no key.</summary>
public sealed class TusApiKeyTests
{
    private const string Key = "tus-test-key";
    private const string Origin = "https://uppy.example";

    [Fact]
    public async Task Tus_needs_an_api_key_its_401_carries_Tus_Resumable_and_a_preflight_needs_none()
    {
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory());
        settings["Gateway:ApiKeys:0"] = Key;
        settings["Gateway:CorsOrigins:0"] = Origin;
        await using var factory = new GatewayFactory(settings);
        var tus = new TusClient(factory.CreateClient());

        using var withoutKey = await tus.CreateAsync(5000);
        await Problems.AssertAsync(withoutKey, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("1.0.0", withoutKey.Headers.GetValues("Tus-Resumable").Single());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, TusClient.Endpoint);
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-length,x-api-key");
        using var preflighted = await tus.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, preflighted.StatusCode);
        Assert.Equal(Origin, preflighted.Headers.GetValues("Access-Control-Allow-Origin").Single());

        tus.Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        using var withKey = await tus.CreateAsync(5000);
        Assert.Equal(HttpStatusCode.Created, withKey.StatusCode);
    }
}
