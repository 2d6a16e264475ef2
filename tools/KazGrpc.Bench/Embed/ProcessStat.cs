using System.Globalization;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// CPU time and threads of a process, and the busy time of the whole machine, from Linux's
/// <c>/proc</c>: enough to see where the CPU of a served run goes (client, inference-svc,
/// tokenizer-svc, other work on the machine). Zero where <c>/proc</c> is not there.
/// </summary>
internal static class ProcessStat
{
    // USER_HZ, the unit of /proc times: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU time of process <paramref name="pid"/>, and its thread count.</summary>
    public static (TimeSpan Cpu, int Threads) Read(int pid)
    {
        try
        {
            var fields = StatFields(File.ReadAllText($"/proc/{pid}/stat"));
            var threads = int.Parse(fields[17], CultureInfo.InvariantCulture);
            return (TimeSpan.FromSeconds(CpuTicks(fields) / TicksPerSecond), threads);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (TimeSpan.Zero, 0);
        }
    }

    /// <summary>
    /// CPU ticks of each tiered-compilation thread of process <paramref name="pid"/> (".NET Tiered
    /// Compilation Worker", which /proc shortens to ".NET Tiered Com"), by thread id: where a .NET
    /// process compiles its hot methods again with full optimisation. Empty where /proc is not there.
    /// </summary>
    public static Dictionary<int, long> CompilerTicks(int pid)
    {
        var ticks = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = CpuTicks(StatFields(File.ReadAllText(Path.Combine(task, "stat"))));
                }
                catch (IOException)
                {
                    // The thread exited meanwhile: the worker ends when idle and starts again when needed.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            ticks.Clear();
        }

        return ticks;
    }

    /// <summary>Seconds of CPU the threads of <paramref name="now"/> used since <paramref name="before"/> (a thread not in it started since).</summary>
    public static double TicksSince(Dictionary<int, long> before, Dictionary<int, long> now) =>
        now.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)) / TicksPerSecond;

    /// <summary>The fields of a process's or thread's <c>stat</c> file after its command name, which may
    /// hold spaces and parentheses (so they start after the last ')'): field 3, the state, comes first.</summary>
    private static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>User plus system time, in ticks, from <see cref="StatFields"/>.</summary>
    private static long CpuTicks(string[] fields) =>
        long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

    /// <summary>CPU time all cores of the machine spent busy (not idle, not waiting for I/O) since boot.</summary>
    public static TimeSpan MachineBusy()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = (reader.ReadLine() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal: idle (4) and iowait (5) are not busy.
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                if (i is not (4 or 5))
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return TimeSpan.Zero;
        }
    }
}
