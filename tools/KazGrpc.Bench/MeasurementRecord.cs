namespace KazGrpc.Bench;

/// <summary>One measurement (one mode, one language, one run), as written to the JSON result.</summary>
internal sealed record MeasurementRecord(
    int Run,
    string Mode,
    string Label,
    string Language,
    ulong Seed,
    int PoolTexts,
    long Texts,
    long Bytes,
    long Tokens,
    double Seconds,
    double TextsPerSecond,
    double MegabytesPerSecond,
    double TokensPerSecond,
    double CpuCores,
    double TextsPerCpuSecond,
    double GcPauseShare,
    int Gen0Collections,
    int Gen2Collections,
    double AllocatedBytesPerText,
    bool PoolRanOut)
{
    /// <summary>Builds the record of <paramref name="result"/>.</summary>
    public static MeasurementRecord From(int run, BenchMode mode, int batch, Language language, ulong seed, int poolTexts, LoadResult result) => new(
        run,
        BenchModes.Key(mode),
        BenchModes.Label(mode, batch),
        LanguageProfiles.For(language).Code,
        seed,
        poolTexts,
        result.Texts,
        result.Bytes,
        result.Tokens,
        result.Seconds,
        result.TextsPerSecond,
        result.MegabytesPerSecond,
        result.TokensPerSecond,
        result.CpuCores,
        result.CpuSeconds > 0 ? result.Texts / result.CpuSeconds : 0,
        result.Seconds > 0 ? result.GcPauseSeconds / result.Seconds : 0,
        result.Gen0Collections,
        result.Gen2Collections,
        result.Texts > 0 ? (double)result.AllocatedBytes / result.Texts : 0,
        result.PoolRanOut);
}
