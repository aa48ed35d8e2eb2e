using System.Globalization;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>A process's resident memory as Linux reports it in <c>/proc/{pid}/status</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    public static long Resident(int pid) => Read(pid, "VmRSS:");

    /// <summary>Highest resident set size since the start or the last <see cref="TryResetPeak"/> (VmHWM), in bytes.</summary>
    public static long Peak(int pid) => Read(pid, "VmHWM:");

    /// <summary>Resets VmHWM to the current VmRSS (Linux 4.0+, needs to own the process); false where it is refused.</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The median of <paramref name="samples"/> readings of VmRSS taken <paramref name="interval"/> apart.</summary>
    public static async Task<long> SettledResidentAsync(int pid, int samples, TimeSpan interval)
    {
        var values = new List<long>(samples);
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(interval);
            }

            values.Add(Resident(pid));
        }

        values.Sort();
        return values[values.Count / 2];
    }

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmRSS:	  123456 kB"
                var value = line[field.Length..].Trim();
                var kilobytes = long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line.");
    }
}
