namespace KazGrpc.Bench;

/// <summary>Medians over the runs of one mode and language.</summary>
/// <param name="Mode">Mode key (<c>inproc</c>, <c>unary1</c>, ...).</param>
/// <param name="Label">Table label.</param>
/// <param name="Language">Language code.</param>
/// <param name="Runs">Measurements the medians are taken over.</param>
/// <param name="TextsPerSecond">Median texts per second.</param>
/// <param name="MegabytesPerSecond">Median MB (10^6 bytes of UTF-8 input) per second.</param>
/// <param name="TokensPerSecond">Median tokens per second.</param>
/// <param name="CpuCores">Median cores busy in this process.</param>
/// <param name="TextsPerCpuSecond">Median texts per CPU-second of this process: throughput per unit of CPU, which
/// other work on a shared machine disturbs less than texts/s (meaningful for the in-process host, where it counts client and server).</param>
/// <param name="GcPauseShare">Median share of the window the GC paused the process.</param>
/// <param name="RatioToInProcess">Median texts/s divided by the in-process median texts/s of the same language.</param>
/// <param name="EfficiencyToInProcess">Median texts/CPU-s divided by the in-process one: the share of the encoding work
/// left per unit of CPU once the transport's costs are added. Null for service modes against an external service,
/// whose CPU this process cannot see.</param>
/// <param name="PoolRanOut">Some window closed early because its text pool ran out.</param>
internal sealed record SummaryRow(
    string Mode,
    string Label,
    string Language,
    int Runs,
    double TextsPerSecond,
    double MegabytesPerSecond,
    double TokensPerSecond,
    double CpuCores,
    double TextsPerCpuSecond,
    double GcPauseShare,
    double RatioToInProcess,
    double? EfficiencyToInProcess,
    bool PoolRanOut);
