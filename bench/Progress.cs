using System.Globalization;

namespace UploadProxy.Bench;

/// <summary>Progress lines on stderr, so that stdout holds only the table.</summary>
internal static class Progress
{
    public static void Say(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));
}
