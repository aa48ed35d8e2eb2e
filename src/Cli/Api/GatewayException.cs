namespace UploadProxy.Cli.Api;

/// <summary>The gateway answered with an error that retrying will not cure (or retries ran out).</summary>
internal sealed class GatewayException(int statusCode, string code, string detail)
    : Exception($"{statusCode} {code}: {detail}")
{
    public int StatusCode { get; } = statusCode;

    public string Code { get; } = code;

    public string Detail { get; } = detail;
}
