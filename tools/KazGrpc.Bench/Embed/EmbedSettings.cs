namespace KazGrpc.Bench.Embed;

/// <summary>The settings of a <c>bench embed</c> run, as written to the JSON result.</summary>
internal sealed record EmbedSettings(
    string Model,
    string Tokenizer,
    string ExecutionProvider,
    int Concurrency,
    double DurationSeconds,
    double WarmupSeconds,
    double ServiceWarmupSeconds,
    int SweepTexts,
    int LatencyInputs,
    long? Count,
    int Runs,
    bool Quick,
    IReadOnlyList<string> Phases,
    IReadOnlyList<int> BatchSizes,
    int Executions,
    int Texts,
    int MinTokens,
    int MaxTokens,
    ulong Seed,
    IReadOnlyList<string> InferenceConfig,
    IReadOnlyList<string> TokenizerConfig,
    IReadOnlyDictionary<string, string> ServiceEnvironment,
    string? InferenceAddress,
    string? TokenizerAddress,
    string BenchBuild);
