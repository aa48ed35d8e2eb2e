using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using UploadProxy.Grains;

namespace UploadProxy.Gateway.Batches;

/// <summary>
/// The query of <c>GET /api/batches/{id}</c>: <c>limit</c>, <c>cursor</c> and <c>status</c>, read into the page the
/// batch grain answers. A cursor is opaque to clients; it holds where the next page starts in the batch's join
/// order, which never changes because sessions only ever join a batch.
/// </summary>
internal static class BatchPageParameters
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The grain's query, or the <c>400 invalid_request</c> that says which parameter is wrong.</summary>
    public static (BatchPageQuery? Query, ProblemHttpResult? Problem) Read(int? limit, string? cursor, string? status)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return (null, ApiProblems.InvalidRequest($"limit must be 1 to {MaxLimit}."));
        }

        var position = 0;
        if (cursor is not null && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out position)))
        {
            return (null, ApiProblems.InvalidRequest("cursor must be a next_cursor this API answered."));
        }

        SessionStatus? wanted = null;
        if (status is not null)
        {
            wanted = Enum.GetValues<SessionStatus>().Cast<SessionStatus?>().FirstOrDefault(s => Name(s!.Value) == status);
            if (wanted is null)
            {
                return (null, ApiProblems.InvalidRequest(
                    $"status must be one of {string.Join(", ", Enum.GetValues<SessionStatus>().Select(Name))}."));
            }
        }

        return (new BatchPageQuery(position, limit ?? DefaultLimit, wanted), null);
    }

    public static string? Cursor(int? nextPosition) => nextPosition?.ToString(CultureInfo.InvariantCulture);

    /// <summary>The name a status has in the API's JSON.</summary>
    public static string Name(SessionStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}
