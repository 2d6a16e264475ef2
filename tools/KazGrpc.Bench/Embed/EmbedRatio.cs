namespace KazGrpc.Bench.Embed;

/// <summary>A headline figure of <c>bench embed</c> with its target.</summary>
/// <param name="Key">Short name: <c>served/ceiling</c>, <c>overhead/echo</c>, <c>p50-difference</c>, or an informational one.</param>
/// <param name="Description">What it divides or subtracts.</param>
/// <param name="Value">The median of <paramref name="PerRun"/>: each run's windows are taken minutes apart
/// at most, so a run's own figure is steadier on a shared machine than one made of medians taken in
/// different runs (with one run, they are the same).</param>
/// <param name="FromMedians">The same figure from the table's medians.</param>
/// <param name="PerRun">The same figure from each run's own measurements, runs left out excepted.</param>
/// <param name="LeftOutRuns">Runs left out because a window the figure depends on ran beside another
/// load of more than <see cref="EmbedSummary.ContentionCores"/> cores (when every run did, none is left out).</param>
/// <param name="Target">The target; null for an informational figure.</param>
/// <param name="AtMost">True when the target is an upper bound (a latency difference), false when a lower one.</param>
/// <param name="Met">Whether <paramref name="Value"/> meets <paramref name="Target"/>; null without a target.</param>
internal sealed record EmbedRatio(string Key, string Description, double Value, double FromMedians, IReadOnlyList<double> PerRun, IReadOnlyList<int> LeftOutRuns, double? Target, bool AtMost, bool? Met);
