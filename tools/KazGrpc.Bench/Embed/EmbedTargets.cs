using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Embed;

/// <summary>The figures <c>bench embed</c> judges (DESIGN.md's performance targets) and those it shows for reference.</summary>
internal static class EmbedTargets
{
    /// <summary>Served emb/s at full concurrency over the in-process ceiling: at least this.</summary>
    public const double ServedGoal = 0.85;

    /// <summary>Identity encoder served req/s over the hop echo's: at least this.</summary>
    public const double OverheadGoal = 0.75;

    /// <summary>1-caller served p50 beyond in-process batch-1 p50 plus a hop echo p50, in milliseconds: at most this.</summary>
    public const double LatencyGoalMs = 1.0;

    /// <summary>Each figure per run (a run's windows are adjacent), the median over the runs, and the verdicts.</summary>
    public static IReadOnlyList<Target> Evaluate(IReadOnlyList<Window> windows)
    {
        var runs = windows.GroupBy(w => w.Run).ToList();
        IEnumerable<double?> PerRun(Func<Func<WindowKind, Window?>, double?> figure) =>
            runs.Select(run => figure(kind => kind == WindowKind.InProcess
                ? run.Where(w => w.Key.Kind == kind).MaxBy(w => w.ItemsPerSecond)
                : run.FirstOrDefault(w => w.Key.Kind == kind)));
        IEnumerable<double?> Ratio(WindowKind over, WindowKind under) =>
            PerRun(w => w(over) is { } a && w(under) is { ItemsPerSecond: > 0 } b ? a.ItemsPerSecond / b.ItemsPerSecond : null);

        Target?[] targets =
        [
            Target.Of("served/ceiling", "served emb/s at --concurrency callers / in-process ceiling emb/s (the sweep's best batch size)",
                Ratio(WindowKind.Served, WindowKind.InProcess), ServedGoal),
            Target.Of("overhead/hop-echo", "identity encoder served req/s / hop echo req/s (an echo that makes the same tokenizer hop), same callers",
                Ratio(WindowKind.Identity, WindowKind.HopEcho), OverheadGoal),
            Target.Of("p50 excess", "1 caller, same inputs in the same order: served p50 - (in-process batch-1 p50 + hop echo p50)",
                PerRun(w => w(WindowKind.ServedOneCaller) is { } served && w(WindowKind.InProcessOneCaller) is { } model && w(WindowKind.HopEchoOneCaller) is { } hop
                    ? served.P50Ms - (model.P50Ms + hop.P50Ms) : null),
                LatencyGoalMs, "ms", atMost: true),
            Target.Of("overhead/echo", "identity encoder served req/s / bare echo req/s (reference)", Ratio(WindowKind.Identity, WindowKind.Echo)),
            Target.Of("hop-echo/echo", "hop echo req/s / bare echo req/s: what the tokenizer hop alone leaves of a bare call", Ratio(WindowKind.HopEcho, WindowKind.Echo)),
            Target.Of("served/naive", "served emb/s / MaxBatchSize=1 emb/s: what dynamic batching gains", Ratio(WindowKind.Served, WindowKind.Naive)),
        ];
        return [.. targets.OfType<Target>()];
    }
}
