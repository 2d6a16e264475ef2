using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Generate;

/// <summary>The figures <c>bench generate</c> judges (DESIGN.md's performance targets) and those it shows for reference.</summary>
internal static class GenerateTargets
{
    /// <summary>Served tokens/s at the most streams over served tokens/s at one: at least this.</summary>
    public const double ScalingGoal = 10;

    /// <summary>Served tokens/s over in-process tokens/s at the most streams: at least this.</summary>
    public const double ServedGoal = 0.8;

    /// <summary>In-process tokens/s over onnxruntime-genai's at the same batch: at least this.</summary>
    public const double GenAiGoal = 1.0;

    /// <summary>Running streams' p99 inter-token latency while a long prompt is prefilled over their median step: at most this.</summary>
    public const double StallGoal = 2.5;

    /// <summary>Each figure per run (a run's windows are adjacent), the median over the runs, and the verdicts.</summary>
    public static IReadOnlyList<Target> Evaluate(IReadOnlyList<Window> windows)
    {
        var runs = windows.GroupBy(w => w.Run).ToList();
        var most = windows.Where(w => w.Key.Kind is WindowKind.GenerateServed or WindowKind.GenerateInProcess).Select(w => w.Key.Batch).DefaultIfEmpty(0).Max();
        var middle = windows.Where(w => w.Key.Kind == WindowKind.GenerateGenAi && w.Key.Batch < most).Select(w => w.Key.Batch).DefaultIfEmpty(0).Max();
        IEnumerable<double?> Ratio(WindowKind over, int overStreams, WindowKind under, int underStreams) => runs.Select(run =>
            run.FirstOrDefault(w => w.Key == new WindowKey(over, overStreams)) is { } a && run.FirstOrDefault(w => w.Key == new WindowKey(under, underStreams)) is { TokensPerSecond: > 0 } b
                ? a.TokensPerSecond / b.TokensPerSecond
                : (double?)null);
        IEnumerable<double?> Stall(WindowKind kind) => runs.Select(run =>
            run.FirstOrDefault(w => w.Key.Kind == kind)?.Streams is { StepMs: > 0 } s ? s.ItlP99Ms / s.StepMs : (double?)null);

        Target?[] targets =
        [
            Target.Of($"served x{most}/x1", $"served tokens/s at {most} streams / served tokens/s at 1 stream",
                Ratio(WindowKind.GenerateServed, most, WindowKind.GenerateServed, 1), ScalingGoal),
            Target.Of($"served/in-process x{most}", $"served tokens/s / in-process tokens/s, {most} streams each",
                Ratio(WindowKind.GenerateServed, most, WindowKind.GenerateInProcess, most), ServedGoal),
            Target.Of($"in-process/genai x{most}", $"in-process tokens/s at {most} streams / onnxruntime-genai Generator tokens/s at batch {most} "
                + "(every token it generates counts, those past a row's own length too)",
                Ratio(WindowKind.GenerateInProcess, most, WindowKind.GenerateGenAi, most), GenAiGoal),
            Target.Of("long prompt served", "served: running streams' p99 inter-token latency while a long prompt is prefilled / their median step before it",
                Stall(WindowKind.LongPromptServed), StallGoal, atMost: true),
            Target.Of("long prompt inproc", "in-process: the same", Stall(WindowKind.LongPromptInProcess), StallGoal, atMost: true),
            Target.Of($"in-process/genai x{middle}", $"the same at {middle} streams (reference)",
                Ratio(WindowKind.GenerateInProcess, middle, WindowKind.GenerateGenAi, middle)),
            Target.Of($"in-process x{most}/x1", $"in-process tokens/s at {most} streams / at 1 stream (reference)",
                Ratio(WindowKind.GenerateInProcess, most, WindowKind.GenerateInProcess, 1)),
        ];
        return [.. targets.OfType<Target>()];
    }
}
