namespace KazGrpc.Bench.Core;

/// <summary>How to measure one window.</summary>
/// <param name="Run">The run, from 1.</param>
/// <param name="Key">What is measured.</param>
/// <param name="Label">Table label.</param>
/// <param name="Unit">What an item is: texts, emb or replies.</param>
/// <param name="Callers">Concurrent callers (in-process: executions or workers).</param>
/// <param name="Warmup">Load before the window opens.</param>
/// <param name="Duration">Length of the window; null: until every item is done once (fixed work).</param>
/// <param name="Once">Take each item at most once; otherwise cycle through them.</param>
internal sealed record WindowSpec(int Run, WindowKey Key, string Label, string Unit, int Callers, TimeSpan Warmup, TimeSpan? Duration, bool Once);
