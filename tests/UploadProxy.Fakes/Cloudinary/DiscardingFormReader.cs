using System.Buffers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>
/// Reads a multipart form as it streams: the fields are kept, each file is counted and dropped. Its files have the
/// sizes that were sent and no content, which is all a server that discards content needs.
/// </summary>
internal static class DiscardingFormReader
{
    private const int BufferSize = 64 * 1024;
    private const int MaxFieldBytes = 64 * 1024;

    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value
            ?? throw new InvalidDataException("The multipart body has no boundary.");
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        var files = new FormFileCollection();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader()
                    ?? throw new InvalidDataException("A multipart part has no Content-Disposition.");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    long length = 0;
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        length += read;
                    }

                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                    files.Add(new FormFile(Stream.Null, 0, length, name, fileName) { Headers = new HeaderDictionary() });
                }
                else
                {
                    var value = await section.ReadAsStringAsync(cancellationToken);
                    if (value.Length > MaxFieldBytes)
                    {
                        throw new InvalidDataException($"Form field '{name}' is longer than {MaxFieldBytes} characters.");
                    }

                    fields[name] = StringValues.Concat(fields.GetValueOrDefault(name), value);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new FormCollection(fields, files);
    }
}
