using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UploadProxy.Fakes.Notion;

/// <summary>An answer of the Notion API: an object, or Notion's error object.</summary>
internal sealed class NotionReply
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _body;
    private readonly int? _retryAfterSeconds;

    private NotionReply(int status, JsonObject body, int? retryAfterSeconds)
    {
        Status = status;
        _body = body;
        _retryAfterSeconds = retryAfterSeconds;
    }

    public int Status { get; }

    public static NotionReply Ok(JsonObject body) => new(StatusCodes.Status200OK, body, null);

    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> with a 429.</param>
    public static NotionReply Error(int status, string code, string message, int retryAfterSeconds = 1) =>
        Error(status, code, message, status == StatusCodes.Status429TooManyRequests ? retryAfterSeconds : null);

    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when not null, whatever the status (a 529 may carry one too).</param>
    public static NotionReply Error(int status, string code, string message, int? retryAfterSeconds) =>
        new(
            status,
            new JsonObject
            {
                ["object"] = "error",
                ["status"] = status,
                ["code"] = code,
                ["message"] = message,
                ["request_id"] = Guid.NewGuid().ToString(),
            },
            retryAfterSeconds);

    public async Task WriteAsync(HttpResponse response)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(_body, JsonOptions);
        response.StatusCode = Status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        if (_retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(body);
    }
}
