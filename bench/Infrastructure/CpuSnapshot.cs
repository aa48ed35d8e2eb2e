using System.Globalization;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>
/// CPU time of the whole machine, of the bench's own processes (itself and the servers it started), and of one
/// watched process (the gateway under test), from <c>/proc</c>. Two snapshots tell how busy the machine was during a
/// phase, how much of it was someone else's (on a shared machine that is what makes a figure comparable with another
/// run's), and what the watched process spent, user and kernel apart.
/// </summary>
internal readonly record struct CpuSnapshot(long MachineTotal, long MachineBusy, long Ours, ProcessCpu? Watched)
{
    /// <summary>Clock ticks per second in /proc (USER_HZ), 100 on Linux.</summary>
    public const double TicksPerSecond = 100;

    /// <param name="watchedProcess">A process whose own CPU time is read too, where the bench can see it.</param>
    public static CpuSnapshot Take(int? watchedProcess = null)
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks summed over the cores.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return new CpuSnapshot(total, total - idle, OursNow(), watchedProcess is { } pid ? ProcessCpu.Read(pid) : null);
    }

    /// <summary>What the watched process spent between two snapshots; null when either could not read it.</summary>
    public static ProcessCpu? WatchedBetween(CpuSnapshot start, CpuSnapshot end) =>
        start.Watched is { } before && end.Watched is { } after ? after - before : null;

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
                var rest = ProcessCpu.StatFields(File.ReadAllText(Path.Combine(directory, "stat")));
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

/// <summary>
/// CPU time one process (all its threads, live and ended) has used, in clock ticks of <c>/proc/{pid}/stat</c>: user
/// (<c>utime</c>) and kernel (<c>stime</c>) apart.
/// </summary>
internal readonly record struct ProcessCpu(long UserTicks, long KernelTicks)
{
    public double UserMilliseconds => UserTicks * 1000 / CpuSnapshot.TicksPerSecond;

    public double KernelMilliseconds => KernelTicks * 1000 / CpuSnapshot.TicksPerSecond;

    public double TotalMilliseconds => UserMilliseconds + KernelMilliseconds;

    public static ProcessCpu operator -(ProcessCpu end, ProcessCpu start) =>
        new(end.UserTicks - start.UserTicks, end.KernelTicks - start.KernelTicks);

    /// <summary>The process's CPU time now; null once it has ended.</summary>
    public static ProcessCpu? Read(int pid)
    {
        try
        {
            var rest = StatFields(File.ReadAllText($"/proc/{pid}/stat"));
            return new ProcessCpu(long.Parse(rest[11], CultureInfo.InvariantCulture), long.Parse(rest[12], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// "pid (comm) state ppid … utime stime …": the fields after the command name (which may hold spaces), so that
    /// state is [0], ppid [1], utime [11] and stime [12].
    /// </summary>
    public static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
}
