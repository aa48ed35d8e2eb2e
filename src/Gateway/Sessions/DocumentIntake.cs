using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Persistence.Staging;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;

namespace UploadProxy.Gateway.Sessions;

/// <summary>
/// Reads the document of a <c>send</c> (one multipart part named <c>file</c>, or the raw body), checks that it is a
/// PDF within the size limit while it streams, hashes it and stages it durably. Memory stays flat whatever the size;
/// a refused document leaves nothing staged.
/// </summary>
internal sealed class DocumentIntake(IDocumentStagingStore staging, IOptions<GatewayOptions> options)
{
    private const int BufferSize = 64 * 1024;
    private const int MaxFormFieldBytes = 64 * 1024;
    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;

    private readonly long _maxBytes = options.Value.MaxDocumentBytes;
    private readonly MinDataRate? _minDataRate = options.Value.MinSendBytesPerSecond > 0
        ? new MinDataRate(options.Value.MinSendBytesPerSecond, options.Value.MinSendRateGracePeriod)
        : null;

    public async Task<IntakeResult> ReadAsync(string sessionId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > _maxBytes + MaxFormFieldBytes)
        {
            return ApiProblems.DocumentTooLarge(_maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBytes + MaxFormFieldBytes;
        }

        // A stalled client would hold a connection and a staging file open: after the grace period Kestrel cuts it
        // off, the read below fails, and disposing the staging writer deletes the partial bytes.
        if (_minDataRate is not null && request.HttpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = _minDataRate;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return await StageAsync(sessionId, request.Body, fileName: null, cancellationToken);
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return ApiProblems.InvalidRequest("The multipart body has no boundary.");
        }

        try
        {
            // A buffer as large as the staging writes: with the reader's default 4 KiB, each read of the part returns at
            // most 4 KiB, and a 1 MB document costs hundreds of reads instead of sixteen.
            var reader = new MultipartReader(boundary, request.Body, BufferSize) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                if (disposition is null || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                {
                    return ApiProblems.InvalidRequest("A multipart part has no form-data Content-Disposition.");
                }

                if (HeaderUtilities.RemoveQuotes(disposition.Name).Value != "file")
                {
                    if (!await DrainAsync(section.Body, cancellationToken))
                    {
                        return ApiProblems.InvalidRequest($"Form fields other than 'file' are limited to {MaxFormFieldBytes} bytes.");
                    }

                    continue;
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                if (!string.IsNullOrEmpty(fileName) && DocumentNames.Problem(fileName) is { } problem)
                {
                    return ApiProblems.InvalidRequest(problem);
                }

                return await StageAsync(sessionId, section.Body, string.IsNullOrEmpty(fileName) ? null : DocumentNames.LastSegment(fileName), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && ex is not BadHttpRequestException)
        {
            return ApiProblems.InvalidRequest($"The multipart body is malformed: {ex.Message}");
        }

        return ApiProblems.InvalidRequest("The multipart body has no part named 'file'.");
    }

    private async Task<IntakeResult> StageAsync(string sessionId, Stream source, string? fileName, CancellationToken cancellationToken)
    {
        await using var writer = await GuardedStagingWriter.BeginAsync(staging, sessionId, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await FillAsync(source, buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                var headBefore = (int)Math.Min(total, PdfMagic.Length);
                total += read;
                if (total > _maxBytes)
                {
                    return ApiProblems.DocumentTooLarge(_maxBytes);
                }

                // Compare the part of the first five bytes this read brought.
                var headPart = Math.Min(PdfMagic.Length - headBefore, read);
                if (headPart > 0 && !buffer.AsSpan(0, headPart).SequenceEqual(PdfMagic.Slice(headBefore, headPart)))
                {
                    return ApiProblems.UnsupportedDocument();
                }

                hash.AppendData(buffer, 0, read);
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            if (total == 0)
            {
                return ApiProblems.InvalidRequest("The document is empty.");
            }

            if (total < PdfMagic.Length)
            {
                return ApiProblems.UnsupportedDocument();
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var key = await writer.CommitAsync(sha256, cancellationToken);
            return new StagedDocument(sha256, total, key, fileName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the body ends, so that the document is hashed and written to
    /// staging in whole 64 KiB pieces (one <c>pwrite</c> each) however small the pieces the connection delivers.
    /// </summary>
    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await source.ReadAsync(buffer[filled..], cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    private static async Task<bool> DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > MaxFormFieldBytes)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Either the staged document or the problem that refused it.</summary>
internal readonly struct IntakeResult
{
    private IntakeResult(StagedDocument? document, ProblemHttpResult? problem) => (Document, Problem) = (document, problem);

    public StagedDocument? Document { get; }
    public ProblemHttpResult? Problem { get; }

    public static implicit operator IntakeResult(StagedDocument document) => new(document, null);
    public static implicit operator IntakeResult(ProblemHttpResult problem) => new(null, problem);
}
