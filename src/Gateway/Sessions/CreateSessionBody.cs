using Microsoft.AspNetCore.Http.Features;

namespace UploadProxy.Gateway.Sessions;

/// <summary>
/// Reads the raw body of <c>create</c> within its limit: a declared length over it is refused before any byte is
/// read, and a chunked body is read no further than one byte past it, so a caller cannot make the gateway buffer
/// more than the limit.
/// </summary>
internal static class CreateSessionBody
{
    private const int ChunkSize = 4096;

    /// <summary>The body's bytes, or null when it is over <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        if (request.ContentLength == 0)
        {
            return [];
        }

        // Kestrel then refuses the rest of the body itself; the count below covers servers without the feature.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }
}
