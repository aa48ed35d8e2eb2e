using System.Text.Json;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Sessions;

/// <summary>
/// Sessions read back from storage by a new process: each answers its own Notion row, never another session's, and a
/// session created afterwards without Notion is not handed a row either.
/// </summary>
public sealed class ReactivatedSessionsTests
{
    private const int SessionCount = 12;

    [Fact]
    public async Task Sessions_reactivated_after_kill_9_each_answer_their_own_notion_row()
    {
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = 20, Burst = 2 });
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var dataDirectory = TestSettings.NewDataDirectory();
        var withoutNotion = ProcessEnvironment(TestSettings.Standalone(dataDirectory));
        var withNotion = ProcessEnvironment(TestSettings.Standalone(dataDirectory).WithNotion(notion, database, "2022-06-28", requestsPerSecond: 15));
        // One data folder for every process, so the silo ports of the first are reused by the next.
        foreach (var key in new[] { "Cluster__SiloPort", "Cluster__GatewayPort" })
        {
            withoutNotion[key] = withNotion[key];
        }

        var rows = new Dictionary<string, string>();
        await using (var first = await GatewayProcess.StartAsync(withNotion, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            var ids = new List<string>();
            for (var i = 0; i < SessionCount; i++)
            {
                var id = await client.CreateIdAsync(new { filename = $"reactivated-{i:D2}.pdf" });
                await client.SendAsync(id, SamplePdf.Create(seed: 100 + i), respondAsync: true);
                ids.Add(id);
            }

            foreach (var id in ids)
            {
                var linked = await client.WaitForStatusAsync(id, s => s is "linked" or "failed", TimeSpan.FromSeconds(60));
                Assert.True(linked.GetProperty("status").GetString() == "linked", $"{id}: {linked}\n{first.Output}");
                rows[id] = linked.GetProperty("notion").GetProperty("page_id").GetString()!;
            }

            await first.KillAsync();
        }

        // Every session made its own row, and the session recorded it.
        Assert.Equal(SessionCount, notion.Pages.Count);
        Assert.All(rows, r => Assert.Equal(r.Key, notion.Pages.Single(p => p.Id == r.Value).Text("Session ID")));

        // A restart without Notion reads every session back from storage, one after the other.
        await using var second = await GatewayProcess.StartAsync(withoutNotion, dataDirectory);
        var restarted = new UploadProxyClient(new HttpClient { BaseAddress = second.Address });
        var answered = new Dictionary<string, JsonElement>();
        foreach (var id in rows.Keys)
        {
            await restarted.InfoAsync(id);
        }

        // Asked again once every session is active, as a dashboard polls.
        foreach (var id in rows.Keys)
        {
            answered[id] = (await restarted.InfoAsync(id)).Body;
        }

        var created = await restarted.CreateAsync(new { filename = "after-restart.pdf" });

        Assert.All(rows, r =>
        {
            var notionLink = answered[r.Key].GetProperty("notion");
            Assert.Equal("linked", notionLink.GetProperty("status").GetString());
            Assert.Equal(r.Value, notionLink.GetProperty("page_id").GetString());
        });
        var fresh = created.Body.GetProperty("notion");
        Assert.Equal("disabled", fresh.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, fresh.GetProperty("page_id").ValueKind);
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static Dictionary<string, string?> ProcessEnvironment(Dictionary<string, string?> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
}
