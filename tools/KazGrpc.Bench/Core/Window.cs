namespace KazGrpc.Bench.Core;

/// <summary>One measured window of one run, as printed and written to the JSON result; with
/// <see cref="Run"/> 0, the medians of a measurement over the runs.</summary>
/// <param name="Run">The run, from 1; 0 for medians.</param>
/// <param name="Key">What was measured.</param>
/// <param name="Label">Table label.</param>
/// <param name="Unit">What an item is: texts, emb or replies.</param>
/// <param name="Callers">Concurrent callers (in-process: executions or workers).</param>
/// <param name="Items">Items completed in the window.</param>
/// <param name="Seconds">Length of the window.</param>
/// <param name="ItemsPerSecond">Items per second.</param>
/// <param name="MegabytesPerSecond">10^6 bytes of UTF-8 input per second.</param>
/// <param name="TokensPerSecond">Input tokens per second (bench generate: generated tokens per second).</param>
/// <param name="P50Ms">Median latency of one call (in-process: of one batch).</param>
/// <param name="P99Ms">99th percentile latency.</param>
/// <param name="Failed">Calls that failed with a gRPC status in the window.</param>
/// <param name="RanOut">A timed window ran out of items before its time was up.</param>
/// <param name="BenchCores">Cores this process kept busy (callers; in-process: the model or tokenizer).</param>
/// <param name="ServiceCores">Cores the services involved kept busy, together.</param>
/// <param name="OtherCores">Cores busy with anything else on the machine.</param>
/// <param name="MeanBatch">Items per batch inference-svc executed (its metrics); null when not read.</param>
/// <param name="HopMs">Mean tokenizer round trip of inference-svc (its metrics); null when not read.</param>
/// <param name="Streams">Latency of the token streams (bench generate); otherwise null.</param>
/// <param name="FirstFailure">The status of the first call that failed in the window; null when none did.</param>
internal sealed record Window(
    int Run, WindowKey Key, string Label, string Unit, int Callers, long Items, double Seconds,
    double ItemsPerSecond, double MegabytesPerSecond, double TokensPerSecond, double P50Ms, double P99Ms, long Failed, bool RanOut,
    double BenchCores, double ServiceCores, double OtherCores, double? MeanBatch, double? HopMs, StreamLatency? Streams = null, string? FirstFailure = null)
{
    /// <summary>One row per measurement, in the order first measured, each the medians over its runs.</summary>
    public static IReadOnlyList<Window> Medians(IEnumerable<Window> windows) => [.. windows.GroupBy(w => w.Key).Select(g => Median([.. g]))];

    private static Window Median(IReadOnlyList<Window> runs)
    {
        double Of(Func<Window, double> value) => Statistics.Median(runs.Select(value));
        double? OfKnown(Func<Window, double?> value) => runs.Select(value).OfType<double>().ToList() is { Count: > 0 } known ? Statistics.Median(known) : null;
        return runs[0] with
        {
            Run = 0,
            Items = (long)Of(w => w.Items),
            Seconds = Of(w => w.Seconds),
            ItemsPerSecond = Of(w => w.ItemsPerSecond),
            MegabytesPerSecond = Of(w => w.MegabytesPerSecond),
            TokensPerSecond = Of(w => w.TokensPerSecond),
            P50Ms = Of(w => w.P50Ms),
            P99Ms = Of(w => w.P99Ms),
            Failed = runs.Sum(w => w.Failed),
            FirstFailure = runs.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null),
            RanOut = runs.Any(w => w.RanOut),
            BenchCores = Of(w => w.BenchCores),
            ServiceCores = Of(w => w.ServiceCores),
            OtherCores = Of(w => w.OtherCores),
            MeanBatch = OfKnown(w => w.MeanBatch),
            HopMs = OfKnown(w => w.HopMs),
            Streams = StreamLatency.Median([.. runs.Select(w => w.Streams)]),
        };
    }
}
