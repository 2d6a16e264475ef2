namespace KazGrpc.Bench.Embed;

/// <summary>The JSON result of <c>bench embed</c>.</summary>
/// <param name="Command">The command line.</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="ElapsedSeconds">Wall time of the whole run.</param>
/// <param name="Runtime">Machine and runtime settings of this process.</param>
/// <param name="Settings">Benchmark settings.</param>
/// <param name="CorpusMethod">How the inputs were made.</param>
/// <param name="Corpus">What the first run's inputs look like.</param>
/// <param name="Medians">Medians per measurement.</param>
/// <param name="Ratios">The targets' figures, and informational ones.</param>
/// <param name="Measurements">Every measurement of every run.</param>
/// <param name="MemoryRereads">The latency phase's memory re-read of each run.</param>
internal sealed record EmbedReport(
    string Command,
    DateTimeOffset StartedUtc,
    double ElapsedSeconds,
    RuntimeReport Runtime,
    EmbedSettings Settings,
    string CorpusMethod,
    CorpusStatistics? Corpus,
    IReadOnlyList<EmbedSummaryRow> Medians,
    IReadOnlyList<EmbedRatio> Ratios,
    IReadOnlyList<EmbedMeasurement> Measurements,
    IReadOnlyList<MemoryReread> MemoryRereads);
