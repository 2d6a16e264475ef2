namespace KazGrpc.Bench;

/// <summary>What one measurement window saw.</summary>
/// <param name="Texts">Texts completed.</param>
/// <param name="Bytes">UTF-8 bytes of those texts.</param>
/// <param name="Tokens">Ids returned for them.</param>
/// <param name="Seconds">Length of the window.</param>
/// <param name="CpuSeconds">CPU time this process used in the window (the in-process host included).</param>
/// <param name="GcPauseSeconds">Time the GC paused this process in the window.</param>
/// <param name="Gen0Collections">Generation 0 collections in the window.</param>
/// <param name="Gen2Collections">Generation 2 collections in the window.</param>
/// <param name="AllocatedBytes">Bytes this process allocated in the window.</param>
/// <param name="PoolRanOut">The window closed early because the text pool ran out.</param>
internal sealed record LoadResult(
    long Texts, long Bytes, long Tokens, double Seconds, double CpuSeconds, double GcPauseSeconds,
    int Gen0Collections, int Gen2Collections, long AllocatedBytes, bool PoolRanOut)
{
    /// <summary>Texts per second.</summary>
    public double TextsPerSecond => Seconds > 0 ? Texts / Seconds : 0;

    /// <summary>Megabytes (10^6 bytes of UTF-8 input) per second.</summary>
    public double MegabytesPerSecond => Seconds > 0 ? Bytes / Seconds / 1e6 : 0;

    /// <summary>Tokens per second.</summary>
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;

    /// <summary>Average cores busy in this process.</summary>
    public double CpuCores => Seconds > 0 ? CpuSeconds / Seconds : 0;
}
