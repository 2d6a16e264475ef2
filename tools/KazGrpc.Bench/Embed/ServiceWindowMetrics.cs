namespace KazGrpc.Bench.Embed;

/// <summary>inference-svc's own view of one window (from its metrics); null where nothing was recorded.</summary>
/// <param name="MeanBatchSize">Items per executed batch.</param>
/// <param name="Batches">Batches executed.</param>
/// <param name="MeanQueueMs">Time an item waited in the batcher's queue, in milliseconds.</param>
/// <param name="MeanExecutionMs">Time one batch took to execute, in milliseconds.</param>
/// <param name="MeanTokenizerHopMs">Time one round trip to tokenizer-svc took, in milliseconds.</param>
/// <param name="TextsPerHopMessage">Texts one Tokenize message to tokenizer-svc carried: how well the tokenizer
/// client merged concurrent calls.</param>
/// <param name="RequestsByOutcome">Requests that left the batcher, by outcome.</param>
internal sealed record ServiceWindowMetrics(
    double? MeanBatchSize,
    long Batches,
    double? MeanQueueMs,
    double? MeanExecutionMs,
    double? MeanTokenizerHopMs,
    double? TextsPerHopMessage,
    IReadOnlyDictionary<string, long> RequestsByOutcome);
