namespace KazGrpc.Bench.Core;

/// <summary>The JSON result of a bench command.</summary>
/// <param name="Command">The command line.</param>
/// <param name="StartedUtc">When it started.</param>
/// <param name="ElapsedSeconds">Wall time of the whole command.</param>
/// <param name="Runtime">The machine and runtime.</param>
/// <param name="Settings">The command's settings.</param>
/// <param name="Medians">Each measurement's medians over the runs.</param>
/// <param name="Targets">The figures with their verdicts (bench embed).</param>
/// <param name="Windows">Every window of every run.</param>
internal sealed record BenchResult<TSettings>(
    string Command, DateTimeOffset StartedUtc, double ElapsedSeconds, RuntimeInfo Runtime, TSettings Settings,
    IReadOnlyList<Window> Medians, IReadOnlyList<Target> Targets, IReadOnlyList<Window> Windows);
