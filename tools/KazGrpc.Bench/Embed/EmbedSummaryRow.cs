namespace KazGrpc.Bench.Embed;

/// <summary>Medians over runs of one measurement key (see <see cref="EmbedMeasurement"/> for the fields).</summary>
/// <param name="Key">Measurement key.</param>
/// <param name="Label">Table label.</param>
/// <param name="Runs">Measurements the medians are over.</param>
/// <param name="Callers">Concurrent callers (in-process: executions).</param>
/// <param name="BatchSize">In-process batch size; 0 for served runs.</param>
/// <param name="ItemsPerSecond">Embeddings (echo: requests) per second.</param>
/// <param name="TokensPerSecond">Tokens per second.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P95Ms">95th percentile latency.</param>
/// <param name="P99Ms">99th percentile latency.</param>
/// <param name="MeanBatchSize">Items per batch the service executed; null when not known.</param>
/// <param name="MeanQueueMs">Time an item waited in the batcher's queue.</param>
/// <param name="MeanExecutionMs">Time a batch took to execute.</param>
/// <param name="MeanTokenizerHopMs">Time a tokenizer round trip took.</param>
/// <param name="BenchCpuCores">Cores this process kept busy.</param>
/// <param name="ServiceCpuCores">Cores the services involved kept busy, together.</param>
/// <param name="OtherCpuCores">Cores busy with anything else.</param>
/// <param name="ItemsPerCpuSecond">Items per CPU-second of this process and the services involved.</param>
/// <param name="Errors">Failed calls over all runs.</param>
internal sealed record EmbedSummaryRow(
    string Key,
    string Label,
    int Runs,
    int Callers,
    int BatchSize,
    double ItemsPerSecond,
    double TokensPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double? MeanBatchSize,
    double? MeanQueueMs,
    double? MeanExecutionMs,
    double? MeanTokenizerHopMs,
    double BenchCpuCores,
    double ServiceCpuCores,
    double OtherCpuCores,
    double ItemsPerCpuSecond,
    long Errors);
