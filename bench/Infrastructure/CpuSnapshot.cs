using System.Globalization;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>
/// CPU time of the whole machine and of the bench's own processes (itself and the servers it started), from
/// <c>/proc</c>. Two snapshots tell how busy the machine was during a phase and how much of it was someone else's:
/// on a shared machine that is what makes a figure comparable with another run's.
/// </summary>
internal readonly record struct CpuSnapshot(long MachineTotal, long MachineBusy, long Ours)
{
    public static CpuSnapshot Take()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks summed over the cores.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return new CpuSnapshot(total, total - idle, OursNow());
    }

    /// <summary>Clock ticks per second in /proc (USER_HZ), 100 on Linux.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// (machine busy, other processes' busy) between two snapshots <paramref name="elapsed"/> apart, as shares of the
    /// whole machine in %; NaN when the machine's clock ticks do not add up to the time that passed (a paused VM).
    /// </summary>
    public static (double Machine, double Foreign) Between(CpuSnapshot start, CpuSnapshot end, TimeSpan elapsed)
    {
        var total = Math.Max(1, end.MachineTotal - start.MachineTotal);
        var expected = elapsed.TotalSeconds * TicksPerSecond * Environment.ProcessorCount;
        if (Math.Abs(total - expected) > 0.25 * expected)
        {
            return (double.NaN, double.NaN);
        }

        var busy = end.MachineBusy - start.MachineBusy;
        var foreign = Math.Max(0, busy - (end.Ours - start.Ours));
        return (100.0 * busy / total, 100.0 * foreign / total);
    }

    private static long OursNow()
    {
        var self = Environment.ProcessId;
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid … utime stime …": fields after the command name, which may hold spaces.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(rest[1], CultureInfo.InvariantCulture);
                if (pid == self || parent == self)
                {
                    ticks += long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        return ticks;
    }
}
