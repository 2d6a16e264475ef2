namespace KazGrpc.Bench;

/// <summary>The settings of a <c>bench tokenize</c> run, as written to the JSON result.</summary>
internal sealed record ReportSettings(
    string Tokenizer,
    string Address,
    bool InProcessHost,
    double DurationSeconds,
    double WarmupSeconds,
    int Runs,
    int Concurrency,
    int InFlight,
    int Batch,
    int Workers,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Modes,
    ulong Seed);
