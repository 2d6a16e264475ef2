using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Generate;

/// <summary>Settings of <c>bench generate</c> (see <c>kazgrpc-bench generate --help</c>), as written to the JSON result.</summary>
internal sealed record GenerateSettings(
    string Model, string ModelsDirectory, string ExecutionProvider, IReadOnlyList<GeneratePhase> Phases, IReadOnlyList<int> Concurrency,
    TimeSpan Duration, TimeSpan Warmup, TimeSpan ServiceWarmup, int Runs, bool Quick, int Requests, TokenRange PromptTokens, TokenRange NewTokens,
    float Temperature, bool TextPrompts, int LongPromptStreams, int LongPromptTokens, int LongPrompts, ulong Seed,
    IReadOnlyList<string> InferenceConfig, IReadOnlyDictionary<string, string> ServiceEnvironment, EnvelopeSettings Envelope, string Out);
