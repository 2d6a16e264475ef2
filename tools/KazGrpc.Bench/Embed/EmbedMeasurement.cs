namespace KazGrpc.Bench.Embed;

/// <summary>One measurement of one run, as written to the JSON result.</summary>
/// <param name="Run">The run, from 1.</param>
/// <param name="Key">What was measured: <c>served</c>, <c>naive</c>, <c>inproc-b16</c>, <c>overhead</c>, <c>echo</c>, <c>served-x1</c>, <c>inproc-x1</c>.</param>
/// <param name="Label">Table label.</param>
/// <param name="Model">The model that embedded (empty for the echo).</param>
/// <param name="Callers">Concurrent callers (in-process: executions).</param>
/// <param name="BatchSize">In-process batch size; 0 for served runs (the batcher decides).</param>
/// <param name="Items">Embeddings (echo: replies) completed in the window.</param>
/// <param name="Tokens">Tokens of those inputs, framing included.</param>
/// <param name="Seconds">Length of the window.</param>
/// <param name="ItemsPerSecond">Embeddings (echo: requests) per second.</param>
/// <param name="TokensPerSecond">Tokens per second.</param>
/// <param name="P50Ms">Median latency of a call (in-process: of a batch), in milliseconds.</param>
/// <param name="P95Ms">95th percentile latency.</param>
/// <param name="P99Ms">99th percentile latency.</param>
/// <param name="MeanMs">Mean latency.</param>
/// <param name="Service">inference-svc's own view of the window, from its metrics; null when not scraped.</param>
/// <param name="Errors">Failed calls in the window, by status code.</param>
/// <param name="BenchCpuCores">Cores this process kept busy (the callers; in-process: the model).</param>
/// <param name="ServiceCpuCores">Cores each service involved kept busy, by name.</param>
/// <param name="ServiceThreads">Threads of each service involved at the end of the window, by name.</param>
/// <param name="OtherCpuCores">Cores busy with anything else on the machine (idle services included).</param>
/// <param name="ItemsPerCpuSecond">Items per CPU-second of this process and the services involved.</param>
/// <param name="GcPauseShare">Share of the window the GC paused this process.</param>
/// <param name="CountReached">The window ended at <c>--count</c> items rather than after its duration.</param>
internal sealed record EmbedMeasurement(
    int Run,
    string Key,
    string Label,
    string Model,
    int Callers,
    int BatchSize,
    long Items,
    long Tokens,
    double Seconds,
    double ItemsPerSecond,
    double TokensPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MeanMs,
    ServiceWindowMetrics? Service,
    IReadOnlyDictionary<string, long> Errors,
    double BenchCpuCores,
    IReadOnlyDictionary<string, double> ServiceCpuCores,
    IReadOnlyDictionary<string, int> ServiceThreads,
    double OtherCpuCores,
    double ItemsPerCpuSecond,
    double GcPauseShare,
    bool CountReached);
