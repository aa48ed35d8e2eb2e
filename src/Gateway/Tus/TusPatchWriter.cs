using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Gateway.Tus;

/// <summary>
/// Writes one PATCH body into the upload's part while the session holds the upload for it: within the upload's length
/// and the document limit, a PDF by its first bytes, matching its <c>Upload-Checksum</c>; durable before the session
/// hears the new offset. Nothing of a refused body is kept. With the last byte, the whole file is hashed and staged
/// like a sent document, and the session takes it in the same write that saves the offset.
/// </summary>
internal sealed class TusPatchWriter(IUploadPartStore parts, IDocumentStagingStore staging, IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    private const int BufferSize = 64 * 1024;
    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;

    private readonly GatewayOptions _options = options.Value;

    /// <summary>Writes the body at <paramref name="offset"/>; answers the committed session, or the problem that refused the body.</summary>
    public async Task<(PatchGrant? Committed, ProblemHttpResult? Problem)> WriteAsync(
        IUploadSessionGrain grain, PatchGrant grant, long offset, long? declaredLength, TusChecksum? checksum, HttpRequest request, CancellationToken cancellationToken)
    {
        var session = grant.Session!;
        var length = session.ContentLength ?? declaredLength;
        var limit = length ?? _options.MaxDocumentBytes;
        if (length > _options.MaxDocumentBytes)
        {
            await grain.ReleasePatchAsync(grant.Lease);
            return (null, ApiProblems.DocumentTooLarge(_options.MaxDocumentBytes));
        }

        if (offset + request.ContentLength > limit)
        {
            await grain.ReleasePatchAsync(grant.Lease);
            return (null, TooLong(length));
        }

        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = _options.MaxDocumentBytes;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var writer = await parts.OpenAtAsync(session.Id, offset, cancellationToken);
        var end = offset;
        ProblemHttpResult? problem = null;
        SessionError? notPdf = null;
        var durable = false;
        try
        {
            var renewAt = timeProvider.GetUtcNow() + (_options.TusPatchLease / 3);
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                if (end + read > limit)
                {
                    problem = TooLong(length);
                    break;
                }

                if (end < PdfMagic.Length)
                {
                    var take = (int)Math.Min(PdfMagic.Length - end, read);
                    if (!buffer.AsSpan(0, take).SequenceEqual(PdfMagic.Slice((int)end, take)))
                    {
                        notPdf = new SessionError("unsupported_document", "The upload's first bytes are not '%PDF-': it is not a PDF.");
                        break;
                    }
                }

                checksum?.Append(buffer.AsSpan(0, read));
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                end += read;
                if (timeProvider.GetUtcNow() >= renewAt)
                {
                    // A long body keeps its hold; one whose hold was lost (a new activation) is still checked at commit.
                    await grain.RenewPatchAsync(grant.Lease, _options.TusPatchLease);
                    renewAt = timeProvider.GetUtcNow() + (_options.TusPatchLease / 3);
                }
            }

            if (problem is null && notPdf is null)
            {
                if (checksum is not null && !checksum.Matches())
                {
                    problem = ApiProblems.ChecksumMismatch();
                }
                else if (end == length && end < PdfMagic.Length)
                {
                    notPdf = new SessionError("unsupported_document", "The upload is too short to be a PDF.");
                }
                else
                {
                    await writer.CommitAsync(cancellationToken);
                    durable = true;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            // Uncommitted, the part goes back to where this PATCH began; only then may another PATCH take the upload.
            await writer.DisposeAsync();
            if (!durable && notPdf is null)
            {
                await grain.ReleasePatchAsync(grant.Lease);
            }
        }

        if (notPdf is not null)
        {
            await grain.RefuseDocumentAsync(grant.Lease, notPdf);
            return (null, ApiProblems.UnsupportedDocument());
        }

        if (problem is not null)
        {
            return (null, problem);
        }

        var document = end == length ? await StageWholeAsync(session, end, cancellationToken) : null;
        var committed = await grain.CommitPatchAsync(new PatchCommit(grant.Lease, offset, end, session.ContentLength is null ? declaredLength : null, document));
        if (committed.Outcome != PatchOutcome.Committed && document is not null)
        {
            await staging.DeleteAsync(document.StagingKey, CancellationToken.None);
        }

        return (committed, null);
    }

    /// <summary>The whole file, read back from its part: hashed, and staged as <c>send</c> stages a document.</summary>
    private async Task<StagedDocument> StageWholeAsync(UploadSessionSnapshot session, long length, CancellationToken cancellationToken)
    {
        await using var source = await parts.OpenReadAsync(session.Id, length, cancellationToken);
        await using var writer = await staging.BeginAsync(session.Id, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while (total < length && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, length - total)), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return new StagedDocument(sha256, total, await writer.CommitAsync(sha256, cancellationToken), session.FileName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ProblemHttpResult TooLong(long? length) =>
        length is { } known ? ApiProblems.UploadLengthExceeded(known) : ApiProblems.DocumentTooLarge(_options.MaxDocumentBytes);
}
