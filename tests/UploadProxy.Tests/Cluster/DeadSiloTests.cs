using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;
using Xunit.Abstractions;

namespace UploadProxy.Tests.Cluster;

/// <summary>
/// A real cluster (two silo processes and a gateway process on PostgreSQL, the product's failure detection) in which
/// one silo dies, as the HTTP clients see it: killed with kill -9 (its connections refused at once), or frozen with
/// SIGSTOP (its connections open and silent, so calls to it would wait for Orleans' 30 s response timeout).
/// </summary>
public sealed class DeadSiloTests(ITestOutputHelper output)
{
    private const int Sessions = 16;

    // Gateway:GrainCallTimeout's default, plus the time to answer on a machine shared with other builds.
    private static readonly TimeSpan LongestAnswer = TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(1.5);

    // The product's failure detection declares a killed silo dead within about 20 s.
    private static readonly TimeSpan DetectionWindow = TimeSpan.FromSeconds(25);

    [Fact]
    public Task While_the_cluster_notices_a_killed_silo_create_and_info_answer_within_seconds_then_every_session_resumes() =>
        DisruptAsync(silo => silo.KillAsync());

    [Fact]
    public Task While_the_cluster_notices_a_frozen_silo_create_and_info_answer_within_seconds_then_every_session_resumes() =>
        DisruptAsync(silo => silo.FreezeAsync());

    private async Task DisruptAsync(Func<SiloProcess, Task> disrupt)
    {
        var connectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = new Dictionary<string, string?>
        {
            ["Cluster__Clustering"] = "AdoNet",
            ["Cluster__ConnectionString"] = connectionString,
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var victim = SiloProcess.Start(WithPorts(environment), dataDirectory);
        await using var survivor = SiloProcess.Start(WithPorts(environment), dataDirectory);
        await using var database = NpgsqlDataSource.Create(connectionString);
        await Eventually.UntilAsync(
            "both silos to join", () => ActiveSilosAsync(database), count => count == 2, TimeSpan.FromSeconds(90),
            count => $"{count} active; victim: {victim.Output}; survivor: {survivor.Output}");
        await using var gateway = await GatewayProcess.StartAsync(environment, dataDirectory);
        using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        var client = new UploadProxyClient(http);

        // Sessions spread over both silos, their uploads held at Cloudinary so that the victim dies in the middle of them.
        cloudinary.HoldUploads();
        var ids = new List<(string Id, byte[] Pdf)>();
        for (var i = 0; i < Sessions; i++)
        {
            var pdf = SamplePdf.Create(seed: 3100 + i);
            var id = await client.CreateIdAsync(new { filename = $"dead-silo-{i:D2}.pdf" });
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(id, pdf, respondAsync: true)).Response.StatusCode);
            ids.Add((id, pdf));
        }

        await disrupt(victim);
        cloudinary.Release();

        // Every call during the detection window answers quickly: done, or 503 with when to come back.
        var window = Stopwatch.StartNew();
        var answers = new List<(string Call, HttpStatusCode Status, TimeSpan Took)>();
        while (window.Elapsed < DetectionWindow)
        {
            var round = ids.Select(s => TimedAsync("info", () => http.GetAsync($"{UploadProxyClient.BasePath}/info/{s.Id}"), HttpStatusCode.OK))
                .Append(TimedAsync("create", () => http.PostAsync($"{UploadProxyClient.BasePath}/create", JsonContent("{}")), HttpStatusCode.Created));
            answers.AddRange(await Task.WhenAll(round));
        }

        foreach (var call in answers.GroupBy(a => a.Call))
        {
            output.WriteLine($"{call.Key}: {call.Count()} calls, {call.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)} answered 503, longest {call.Max(a => a.Took).TotalSeconds:0.0} s");
        }

        Assert.All(answers, a => Assert.True(a.Took <= LongestAnswer, $"{a.Call} answered {(int)a.Status} after {a.Took.TotalSeconds:0.0} s"));

        // After the window every session finishes on the survivor, each document stored once with its own bytes.
        foreach (var (id, pdf) in ids)
        {
            var stored = await Eventually.UntilAsync(
                $"session {id} to be uploaded",
                async () => (await client.InfoAsync(id)).Body,
                body => body.ValueKind == JsonValueKind.Object && body.TryGetProperty("object", out _) && body.GetProperty("status").GetString() == "uploaded",
                TimeSpan.FromSeconds(60),
                body => body.ToString());
            var publicId = stored.GetProperty("storage").GetProperty("public_id").GetString()!;
            Assert.Equal(SamplePdf.Sha256(pdf), cloudinary.Find(publicId)?.Sha256);
        }

        Assert.Equal(Sessions, cloudinary.Assets.Count);
    }

    /// <summary>One call, timed; a 503 must be <c>cluster_unavailable</c> and say when to retry.</summary>
    private static async Task<(string Call, HttpStatusCode Status, TimeSpan Took)> TimedAsync(
        string call, Func<Task<HttpResponseMessage>> send, HttpStatusCode success)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        var took = clock.Elapsed;
        if (response.StatusCode != success)
        {
            await Problems.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "cluster_unavailable");
            Assert.True(response.Headers.RetryAfter is not null, $"{call}: a 503 without Retry-After");
        }

        return (call, response.StatusCode, took);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static Dictionary<string, string?> WithPorts(Dictionary<string, string?> environment) => new(environment)
    {
        ["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<long> ActiveSilosAsync(NpgsqlDataSource database)
    {
        // 3 is Orleans' SiloStatus.Active.
        await using var count = database.CreateCommand("SELECT count(*) FROM orleans_cluster_member WHERE status = 3");
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
