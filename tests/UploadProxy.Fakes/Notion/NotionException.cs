namespace UploadProxy.Fakes.Notion;

/// <summary>Refuses a request with Notion's error object; thrown wherever a check fails.</summary>
internal sealed class NotionException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static NotionException Validation(string message) =>
        new(StatusCodes.Status400BadRequest, "validation_error", message);

    public static NotionException NotFound(string message) =>
        new(StatusCodes.Status404NotFound, "object_not_found", message);
}
