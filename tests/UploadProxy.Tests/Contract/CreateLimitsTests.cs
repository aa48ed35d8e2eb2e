using System.Net;
using System.Text;
using System.Text.Json;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Contract;

/// <summary>The limits of <c>create</c>: its body, and each of its fields, refused with the field named.</summary>
[Collection(ContractCollection.Name)]
public sealed class CreateLimitsTests(ContractGatewayFixture gateway)
{
    private const int MaxCreateBodyBytes = 64 * 1024;
    private static readonly string CreatePath = $"{UploadProxyClient.BasePath}/create";

    private UploadProxyClient Client => gateway.Client;

    public static TheoryData<string, string> FieldsOverTheirLimits => new()
    {
        { "filename", Json(new { filename = new string('a', 252) + ".pdf" }) },
        { "batch_id", Json(new { batch_id = new string('b', 129) }) },
        { "batch_id", Json(new { batch_id = "ocr/2026" }) },
        { "metadata", Json(new { metadata = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", _ => "v") }) },
        { "metadata", Json(new { metadata = new Dictionary<string, string> { [new string('k', 101)] = "v" } }) },
        { "metadata", Json(new { metadata = new Dictionary<string, string> { ["note"] = new string('v', 2001) } }) },
    };

    [Fact]
    public async Task A_create_body_declared_over_64_KiB_is_refused_with_413_request_too_large()
    {
        var body = Json(new { filename = "big.pdf", metadata = new Dictionary<string, string> { ["note"] = new string('x', MaxCreateBodyBytes) } });

        var response = await Client.Http.PostAsync(CreatePath, new StringContent(body, Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");
    }

    [Fact]
    public async Task A_chunked_create_body_over_64_KiB_is_refused_with_413_without_being_read_to_its_end()
    {
        await Client.CreateIdAsync();
        var readBefore = gateway.BodyMeter.BytesRead(CreatePath);
        var content = new UnknownLengthContent(Encoding.UTF8.GetBytes(new string(' ', 4 * 1024 * 1024) + "{}"), "application/json");

        var response = await Client.Http.PostAsync(CreatePath, content);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        var read = gateway.BodyMeter.BytesRead(CreatePath) - readBefore;
        Assert.True(read <= MaxCreateBodyBytes + 4096, $"The gateway read {read} bytes of a create body limited to {MaxCreateBodyBytes}.");
    }

    [Fact]
    public async Task A_create_body_just_under_64_KiB_is_taken()
    {
        var padding = new string(' ', MaxCreateBodyBytes - 100);
        var response = await Client.Http.PostAsync(CreatePath, new StringContent($"{{{padding}\"filename\": \"ok.pdf\"}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(FieldsOverTheirLimits))]
    public async Task A_field_over_its_limit_is_an_invalid_request_naming_the_field(string field, string body)
    {
        var response = await Client.Http.PostAsync(CreatePath, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fields_at_their_limits_are_taken_and_a_batch_id_may_hold_colons()
    {
        var batchId = "ocr:2026-11-26:" + new string('x', 128 - 15);
        var metadata = Enumerable.Range(0, 20).ToDictionary(i => $"{i:00}" + new string('k', 98), _ => new string('v', 2000));

        var (response, session) = await Client.CreateAsync(new { filename = new string('a', 251) + ".pdf", batch_id = batchId, metadata });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(batchId, session.GetProperty("batch_id").GetString());
        Assert.Equal(20, session.GetProperty("metadata").EnumerateObject().Count());
    }

    [Fact]
    public async Task An_idempotency_key_over_255_characters_is_an_invalid_request_naming_the_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CreatePath) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", new string('k', 256));

        var response = await Client.Http.SendAsync(request);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
