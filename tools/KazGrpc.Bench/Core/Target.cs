namespace KazGrpc.Bench.Core;

/// <summary>A figure computed from each run's own windows (a run's windows are adjacent, so its own figure
/// is steadier than one made of medians from different runs), its median over the runs, and its verdict.</summary>
/// <param name="Name">Short name, e.g. <c>served/ceiling</c>.</param>
/// <param name="Description">What it divides or subtracts.</param>
/// <param name="Unit">Empty for a ratio, <c>ms</c> for a latency.</param>
/// <param name="Value">The median of <paramref name="PerRun"/>.</param>
/// <param name="PerRun">The figure of each run that measured it.</param>
/// <param name="Goal">The target; null for a figure shown for reference.</param>
/// <param name="AtMost">The target is an upper bound (a latency), not a lower one.</param>
/// <param name="Met">Whether <paramref name="Value"/> meets <paramref name="Goal"/>; null without one.</param>
internal sealed record Target(string Name, string Description, string Unit, double Value, IReadOnlyList<double> PerRun, double? Goal, bool AtMost, bool? Met)
{
    /// <summary>The figure over the runs that have it; null when none has.</summary>
    public static Target? Of(string name, string description, IEnumerable<double?> perRun, double? goal = null, string unit = "", bool atMost = false)
    {
        List<double> known = [.. perRun.OfType<double>().Where(double.IsFinite)];
        if (known.Count == 0)
        {
            return null;
        }

        var value = Statistics.Median(known);
        return new Target(name, description, unit, value, known, goal, atMost, goal is { } g ? atMost ? value <= g : value >= g : null);
    }
}
