using System.Globalization;
using System.Text.RegularExpressions;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>A chunk's <c>Content-Range: bytes {start}-{end}/{total}</c>: <c>end</c> inclusive, total -1 while the client does not know it.</summary>
internal readonly partial record struct ContentRange(long Start, long End, long Total)
{
    public const long UnknownTotal = -1;

    public long Length => End - Start + 1;

    public bool IsTotalKnown => Total != UnknownTotal;

    public static bool TryParse(string header, out ContentRange range)
    {
        range = default;
        if (Pattern().Match(header) is not { Success: true } match
            || !long.TryParse(match.Groups["start"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(match.Groups["end"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || !long.TryParse(match.Groups["total"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var total)
            || end < start
            || (total != UnknownTotal && end >= total))
        {
            return false;
        }

        range = new ContentRange(start, end, total);
        return true;
    }

    [GeneratedRegex("^bytes (?<start>[0-9]+)-(?<end>[0-9]+)/(?<total>[0-9]+|-1)$")]
    private static partial Regex Pattern();
}
