using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Batches;
using UploadProxy.Gateway.Security;
using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Integrations.Notion;

namespace UploadProxy.Gateway.Tus;

/// <summary>
/// tus 1.0.0 at <c>/api/tus</c>, with creation, creation-with-upload, creation-defer-length, termination, expiration
/// and checksum. Each upload is an upload session (same grain, same id); the grain holds the acknowledged offset and
/// the one-PATCH-at-a-time hold, so an upload resumes through any gateway.
/// </summary>
internal static class TusApi
{
    public static IEndpointRouteBuilder MapTusApi(this IEndpointRouteBuilder app)
    {
        var tus = app.MapGroup(TusProtocol.BasePath).WithTags("Resumable uploads (tus)").RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit);

        tus.MapMethods("", [HttpMethods.Options], Options).WithName("TusOptions").WithSummary("Says which tus version, extensions and limits this server has");
        tus.MapPost("", CreateAsync).WithName("TusCreate").WithSummary("Creates an upload (an upload session), optionally with its first bytes").DisableAntiforgery();
        tus.MapMethods("/{id}", [HttpMethods.Head], HeadAsync).WithName("TusHead").WithSummary("Answers how many bytes of the upload the server holds");
        tus.MapPatch("/{id}", PatchAsync).WithName("TusPatch").WithSummary("Appends bytes at the upload's offset").DisableAntiforgery();
        tus.MapDelete("/{id}", TerminateAsync).WithName("TusTerminate").WithSummary("Terminates an upload and deletes its bytes");
        // Routing has matched a POST before X-HTTP-Method-Override rewrote the method; this sends it where it meant to go.
        tus.MapPost("/{id}", OverriddenAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static NoContent Options(HttpResponse response, IOptions<GatewayOptions> options)
    {
        response.Headers[TusProtocol.TusVersion] = TusProtocol.Version;
        response.Headers[TusProtocol.TusExtension] = TusProtocol.Extensions;
        response.Headers[TusProtocol.TusMaxSize] = options.Value.MaxDocumentBytes.ToString(CultureInfo.InvariantCulture);
        response.Headers[TusProtocol.TusChecksumAlgorithm] = TusProtocol.ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request,
        IGrainFactory grains,
        TusPatchWriter writer,
        NotionClient notion,
        IOptions<NotionOptions> notionOptions,
        IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        var length = request.Headers.ReadLength(TusProtocol.UploadLength);
        var deferred = request.Headers[TusProtocol.UploadDeferLength] == "1";
        if (length is null == !deferred)
        {
            return ApiProblems.InvalidRequest("A tus upload is created with either Upload-Length (a non-negative integer) or 'Upload-Defer-Length: 1'.");
        }

        if (TusMetadata.Parse(request.Headers[TusProtocol.UploadMetadata], out var metadataProblem) is not { } metadata)
        {
            return ApiProblems.InvalidRequest(metadataProblem!);
        }

        var body = new CreateSessionRequest(metadata.FileName, metadata.ContentType, length, metadata.BatchId, metadata.Other);
        if (length == 0)
        {
            return ApiProblems.InvalidRequest("Upload-Length must be positive: an empty file is not a PDF.");
        }

        if (CreateSessionValidation.Problem(body, options.Value, notion, notionOptions.Value) is { } problem)
        {
            return problem;
        }

        var checksum = TusChecksum.Parse(request.Headers[TusProtocol.UploadChecksum], out var checksumProblem);
        using var disposeChecksum = checksum;
        if (checksumProblem is not null)
        {
            return ApiProblems.InvalidRequest(checksumProblem);
        }

        var withUpload = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (withUpload && !IsOffsetStream(request))
        {
            return ApiProblems.TusContentTypeUnsupported();
        }

        var id = SessionId.New();
        if (await BatchCapacity.ReserveAsync(grains, metadata.BatchId, id, options.Value) is { } full)
        {
            return full;
        }

        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        var session = await grain.CreateAsync(new CreateSessionCommand
        {
            FileName = metadata.FileName is { } fileName ? DocumentNames.LastSegment(fileName) : null,
            ContentType = metadata.ContentType ?? "application/pdf",
            ContentLength = length,
            BatchId = metadata.BatchId,
            Metadata = metadata.Other,
            Protocol = UploadProtocol.Tus,
        });
        request.HttpContext.Response.Headers.Location = TusProtocol.UploadPath(id);
        if (withUpload)
        {
            // creation-with-upload: the body is the first PATCH.
            var grant = await grain.BeginPatchAsync(0, null, options.Value.TusPatchLease);
            if (grant.Outcome == PatchOutcome.Granted)
            {
                var (committed, refused) = await writer.WriteAsync(grain, grant, 0, null, checksum, request, cancellationToken);
                if (refused is not null)
                {
                    return refused;
                }

                session = committed!.Session ?? session;
            }
        }

        SetUploadHeaders(request.HttpContext.Response, session, withLength: false);
        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> HeadAsync(string id, HttpResponse response, IGrainFactory grains)
    {
        response.Headers.CacheControl = "no-store";
        if (!SessionId.IsValid(id) || await grains.GetGrain<IUploadSessionGrain>(id).GetAsync() is not { Protocol: UploadProtocol.Tus } session)
        {
            return TypedResults.NotFound();
        }

        if (session.Status == SessionStatus.Expired)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        SetUploadHeaders(response, session, withLength: true);
        return TypedResults.Ok();
    }

    private static async Task<IResult> PatchAsync(
        string id, HttpRequest request, IGrainFactory grains, TusPatchWriter writer, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (!IsOffsetStream(request))
        {
            return ApiProblems.TusContentTypeUnsupported();
        }

        if (request.Headers.ReadLength(TusProtocol.UploadOffset) is not { } offset)
        {
            return ApiProblems.InvalidRequest("A PATCH carries Upload-Offset, a non-negative integer.");
        }

        var declared = request.Headers.ReadLength(TusProtocol.UploadLength);
        if (request.Headers[TusProtocol.UploadLength].Count > 0 && declared is not > 0)
        {
            return ApiProblems.InvalidRequest("Upload-Length must be a positive integer.");
        }

        var checksum = TusChecksum.Parse(request.Headers[TusProtocol.UploadChecksum], out var checksumProblem);
        using var disposeChecksum = checksum;
        if (checksumProblem is not null)
        {
            return ApiProblems.InvalidRequest(checksumProblem);
        }

        if (!SessionId.IsValid(id))
        {
            return ApiProblems.SessionNotFound();
        }

        var grain = grains.GetGrain<IUploadSessionGrain>(id);
        var grant = await grain.BeginPatchAsync(offset, declared, options.Value.TusPatchLease);
        if (grant.Outcome != PatchOutcome.Granted)
        {
            return Refused(grant);
        }

        var (committed, refused) = await writer.WriteAsync(grain, grant, offset, declared, checksum, request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        if (committed!.Outcome != PatchOutcome.Committed)
        {
            return Refused(committed);
        }

        SetUploadHeaders(request.HttpContext.Response, committed.Session!, withLength: false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TerminateAsync(string id, IGrainFactory grains)
    {
        if (!SessionId.IsValid(id))
        {
            return ApiProblems.SessionNotFound();
        }

        var outcome = await grains.GetGrain<IUploadSessionGrain>(id).TerminateAsync();
        return outcome.Outcome == PatchOutcome.Terminated ? TypedResults.NoContent() : Refused(outcome);
    }

    private static Task<IResult> OverriddenAsync(
        string id, HttpRequest request, IGrainFactory grains, TusPatchWriter writer, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsPatch(request.Method))
        {
            return PatchAsync(id, request, grains, writer, options, cancellationToken);
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            return TerminateAsync(id, grains);
        }

        request.HttpContext.Response.Headers.Allow = "HEAD, PATCH, DELETE";
        return Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed));
    }

    private static ProblemHttpResult Refused(PatchGrant grant) => grant.Outcome switch
    {
        PatchOutcome.NotFound => ApiProblems.SessionNotFound(),
        PatchOutcome.Expired => ApiProblems.SessionExpired(),
        PatchOutcome.Locked => ApiProblems.UploadLocked(),
        PatchOutcome.Finished => ApiProblems.UploadFinished(),
        PatchOutcome.LengthConflict => ApiProblems.InvalidRequest($"The upload's length is {grant.Session!.ContentLength}; it cannot change."),
        _ => ApiProblems.OffsetMismatch(grant.Session!.ReceivedBytes),
    };

    private static void SetUploadHeaders(HttpResponse response, UploadSessionSnapshot session, bool withLength)
    {
        response.Headers[TusProtocol.UploadOffset] = session.ReceivedBytes.ToString(CultureInfo.InvariantCulture);
        if (withLength)
        {
            if (session.ContentLength is { } length)
            {
                response.Headers[TusProtocol.UploadLength] = length.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers[TusProtocol.UploadDeferLength] = "1";
            }
        }

        if (session.Status == SessionStatus.Pending)
        {
            response.Headers[TusProtocol.UploadExpires] = TusProtocol.HttpDate(session.ExpiryTime);
        }
    }

    private static bool IsOffsetStream(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals(TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase);
}
