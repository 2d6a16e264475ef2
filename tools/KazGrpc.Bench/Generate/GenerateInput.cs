using KazGrpc.Bench.Text;

namespace KazGrpc.Bench.Generate;

/// <summary>One request of a run, the same in every mode: its prompt (text and o200k ids), how many tokens it generates, and its sampling seed.</summary>
internal sealed record GenerateInput(CorpusText Prompt, int MaxNewTokens, ulong Seed);
