using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Fakes;
using UploadProxy.Gateway.Notion;
using UploadProxy.Integrations.Notion;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

public sealed class NotionSetupTests
{
    [Fact]
    public async Task Setup_adds_the_properties_the_database_lacks_and_reports_none_left()
    {
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20 });
        var database = notion.AddDatabase("DB-DOCUMENTS", new Dictionary<string, string> { ["Name"] = "title", ["URL"] = "url" });
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithNotion(notion, database, "2025-09-03", requestsPerSecond: 20);
        await using var gateway = new GatewayFactory(settings);
        _ = gateway.Server;
        var check = gateway.Services.GetRequiredService<NotionSchemaCheck>();

        var (missingBefore, _) = await check.CompareAsync(CancellationToken.None);
        var exitCode = await NotionSetupCommand.RunAsync(gateway.Services, CancellationToken.None);
        var (missingAfter, wrongTypeAfter) = await check.CompareAsync(CancellationToken.None);

        Assert.Equal(["Batch", "File", "Pages", "Session ID", "Size", "Text", "Uploaded at"], missingBefore.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, exitCode);
        Assert.Empty(missingAfter);
        Assert.Empty(wrongTypeAfter);
    }

    [Fact]
    public async Task A_property_of_the_wrong_type_is_reported_not_changed()
    {
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20 });
        var schema = new Dictionary<string, string>(NotionDatabases.Documents) { ["Size"] = "rich_text" };
        var database = notion.AddDatabase("DB-DOCUMENTS", schema);
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory()).WithNotion(notion, database, "2022-06-28", requestsPerSecond: 20);
        await using var gateway = new GatewayFactory(settings);
        _ = gateway.Server;

        var exitCode = await NotionSetupCommand.RunAsync(gateway.Services, CancellationToken.None);
        var (_, wrongType) = await gateway.Services.GetRequiredService<NotionSchemaCheck>().CompareAsync(CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Equal(["'Size' is rich_text, expected number"], wrongType);
    }
}
