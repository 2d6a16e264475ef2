using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Tokenize;

/// <summary>Settings of <c>bench tokenize</c> (see <c>kazgrpc-bench tokenize --help</c>), as written to the JSON result.</summary>
internal sealed record TokenizeSettings(
    string Tokenizer, string? ModelsDirectory, IReadOnlyList<string> Languages, IReadOnlyList<WindowKind> Modes,
    TimeSpan Duration, TimeSpan Warmup, int Runs, bool Quick, int Concurrency, int InFlight, int Batch, int Workers, ulong Seed, string Out);
