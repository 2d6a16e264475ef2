namespace KazGrpc.Bench;

/// <summary>The JSON result of <c>bench tokenize</c>.</summary>
/// <param name="Command">The command line.</param>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="ElapsedSeconds">Wall time of the whole run.</param>
/// <param name="Runtime">Machine and runtime settings.</param>
/// <param name="Settings">Benchmark settings.</param>
/// <param name="TextMethod">How the texts were generated.</param>
/// <param name="Texts">Statistics of a sample of each language's texts (first run).</param>
/// <param name="CalibrationTextsPerSecond">In-process texts/s per language measured before the runs, used to size text pools.</param>
/// <param name="Medians">Medians per mode and language.</param>
/// <param name="Headline">Service modes with batches as a share of in-process.</param>
/// <param name="Measurements">Every measurement of every run.</param>
internal sealed record BenchReport(
    string Command,
    DateTimeOffset StartedUtc,
    double ElapsedSeconds,
    RuntimeReport Runtime,
    ReportSettings Settings,
    string TextMethod,
    IReadOnlyDictionary<string, TextStatistics> Texts,
    IReadOnlyDictionary<string, double> CalibrationTextsPerSecond,
    IReadOnlyList<SummaryRow> Medians,
    IReadOnlyList<HeadlineRatio> Headline,
    IReadOnlyList<MeasurementRecord> Measurements);
