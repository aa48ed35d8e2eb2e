using System.Security.Cryptography;
using System.Text;

namespace UploadProxy.Grains.Sessions;

/// <summary>File names as callers send them, and the public ids they become: <c>{unix-ms}-{8 random [a-z0-9]}-{safe name}</c>.</summary>
public static class DocumentNames
{
    public const int MaxFileNameLength = 255;
    public const string DefaultFileName = "document.pdf";

    // Keeps the whole public id (folder, 23-character prefix, name) under Cloudinary's 255 characters.
    private const int MaxSafeNameLength = 180;
    private const string RandomAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// The last segment of a name that carries path parts (<c>C:\scans\a.pdf</c>, <c>../a.pdf</c>), as RFC 7578 §4.2 asks
    /// of a receiver and as the original app took such names.
    /// </summary>
    public static string LastSegment(string fileName) => fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..];

    /// <summary>Why a caller's file name is refused, or null when it is acceptable; path parts are cut off first (<see cref="LastSegment"/>).</summary>
    public static string? Problem(string fileName) => LastSegment(fileName) switch
    {
        _ when fileName.Length == 0 => "filename is empty.",
        _ when fileName.Length > MaxFileNameLength => $"filename is longer than {MaxFileNameLength} characters.",
        _ when fileName.Any(char.IsControl) => "filename contains control characters.",
        { Length: 0 } or "." or ".." => "filename names a folder, not a file.",
        { } name when string.IsNullOrWhiteSpace(name) => "filename is blank.",
        _ => null,
    };

    /// <summary>The name reduced to characters that are safe in a public id and a URL, ending in <c>.pdf</c>.</summary>
    public static string ToSafeName(string fileName)
    {
        var stem = fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? fileName[..^4] : fileName;
        var safe = new StringBuilder(stem.Length);
        foreach (var c in stem.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
            {
                safe.Append(c);
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark
                && safe.Length > 0 && safe[^1] != '-')
            {
                safe.Append('-');
            }
        }

        var name = safe.ToString().Trim('-', '.');
        if (name.Length > MaxSafeNameLength - 4)
        {
            name = name[..(MaxSafeNameLength - 4)].TrimEnd('-', '.');
        }

        return (name.Length == 0 ? "document" : name) + ".pdf";
    }

    /// <summary>The time and random part of a public id, fixed when the session is created.</summary>
    public static string NewPublicIdPrefix(DateTimeOffset now) =>
        $"{now.ToUnixTimeMilliseconds()}-{RandomNumberGenerator.GetString(RandomAlphabet, 8)}";

    public static string PublicId(string folder, string prefix, string fileName) =>
        $"{folder}/{prefix}-{ToSafeName(fileName)}";
}
