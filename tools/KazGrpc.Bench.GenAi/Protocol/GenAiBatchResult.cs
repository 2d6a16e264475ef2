namespace KazGrpc.Bench.GenAi;

/// <summary>How a batch ran, as <see cref="System.Diagnostics.Stopwatch"/> timestamps, which on one
/// machine are the same clock in every process.</summary>
/// <param name="Started">Before the generator was created.</param>
/// <param name="Steps">After each <c>GenerateNextToken</c>: when every row had one more token.</param>
/// <param name="PaddedLength">The prompts' length after padding.</param>
internal sealed record GenAiBatchResult(long Started, long[] Steps, int PaddedLength);
