using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Embed;

/// <summary>Settings of <c>bench embed</c> (see <c>kazgrpc-bench embed --help</c>), as written to the JSON result.</summary>
internal sealed record EmbedSettings(
    string Model, string ModelsDirectory, string ExecutionProvider, IReadOnlyList<EmbedPhase> Phases, int Concurrency,
    TimeSpan Duration, TimeSpan Warmup, TimeSpan ServiceWarmup, int Runs, bool Quick, IReadOnlyList<int> BatchSizes,
    int SweepTexts, int LatencyInputs, int Texts, ulong Seed, IReadOnlyList<string> InferenceConfig,
    IReadOnlyDictionary<string, string> ServiceEnvironment, EnvelopeSettings Envelope, string Out);
