using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KazGrpc.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Bench;

/// <summary>
/// <c>bench tokenize</c>: measures the tokenizer in-process and through tokenizer-svc on text it
/// has not seen, per language, and reports medians over runs and the ratio of each service mode to
/// in-process.
/// </summary>
internal static class TokenizeBench
{
    // Pools hold this many times the texts that the fastest rate seen so far for the language says
    // the window can use: on a shared machine rates swing, and a pool that runs out shortens the window.
    private const double PoolMargin = 2.0;
    private const int MaxPoolTexts = 1_000_000;
    private const int CalibrationTexts = 3_000;
    private const int PoolAttempts = 3;
    private const int StatisticsSample = 5_000;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>Runs the benchmark and writes progress, the table and the JSON result file.</summary>
    public static async Task RunAsync(TokenizeBenchOptions options, string commandLine, TextWriter output, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var runtime = RuntimeReport.Current();

        await using var target = await TokenizerTarget.StartAsync(options, cancellationToken);
        using var registry = LoadRegistry(options, out var tokenization);
        var loads = CreateLoads(options, new TokenizationService(registry, tokenization), target);
        WriteHeader(output, options, target, runtime);

        await WarmUpAsync(options, loads, cancellationToken);
        var calibration = await CalibrateAsync(options, loads[BenchMode.InProcess], cancellationToken);
        output.WriteLine("calibration (in-process texts/s): " + string.Join(", ", calibration.Select(kv => string.Format(Culture, "{0} {1:N0}", kv.Key, kv.Value))));
        output.WriteLine();

        // The calibration is short and may catch a busy moment: size the first pools for twice its rate.
        var fastest = options.Languages.ToDictionary(l => l, l => calibration[LanguageProfiles.For(l).Code] * 2);
        var measurements = new List<MeasurementRecord>();
        var statistics = new Dictionary<string, TextStatistics>(StringComparer.Ordinal);
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var language in options.Languages)
            {
                foreach (var mode in options.Modes)
                {
                    var record = await MeasureAsync(options, loads[mode], run, mode, language, fastest, statistics, output, cancellationToken);
                    measurements.Add(record);
                    WriteProgress(output, options, record);
                }
            }
        }

        var medians = BenchSummary.Medians(measurements, options, target.InProcess);
        var headline = BenchSummary.Headline(medians, options);
        output.WriteLine();
        foreach (var (code, stats) in statistics)
        {
            output.WriteLine(string.Format(Culture,
                "texts {0}: {1:F1} words and {2:F0} UTF-8 bytes per text; {3:P1} of word occurrences repeat an earlier word (sample of {4:N0} texts)",
                code, stats.WordsPerText, stats.BytesPerText, stats.RepeatedWordShare, stats.SampleTexts));
        }

        output.WriteLine();
        TablePrinter.Table(output, medians, options.Runs);
        output.WriteLine();
        TablePrinter.Headline(output, headline);

        var report = new BenchReport(
            commandLine,
            started,
            clock.Elapsed.TotalSeconds,
            runtime,
            new ReportSettings(
                options.Tokenizer, target.Address.ToString(), target.InProcess, options.Duration.TotalSeconds, options.Warmup.TotalSeconds,
                options.Runs, options.Concurrency, options.InFlight, options.Batch, options.Workers,
                [.. options.Languages.Select(l => LanguageProfiles.For(l).Code)], [.. options.Modes.Select(BenchModes.Key)], options.Seed),
            TextSynthesizer.Method,
            statistics,
            calibration,
            medians,
            headline,
            measurements);
        await BenchJsonContext.WriteAsync(options.Out, report, BenchJsonContext.Default.BenchReport, cancellationToken);
        output.WriteLine();
        output.WriteLine($"results: {options.Out}");
    }

    /// <summary>A registry configured as the service's: the same options, but loading only the tokenizer under test.</summary>
    private static TokenizerRegistry LoadRegistry(TokenizeBenchOptions options, out IOptions<TokenizationOptions> tokenization)
    {
        var settings = new TokenizationOptions
        {
            WorkersPerTokenizer = options.Workers,
            Builtins = TiktokenLoader.BuiltinNames.Contains(options.Tokenizer) ? [options.Tokenizer] : [],
        };
        if (options.ModelsDirectory is { } models)
        {
            settings.ModelsDirectory = models;
        }

        tokenization = Options.Create(settings);
        var registry = TokenizerRegistry.Load(tokenization, NullLogger<TokenizerRegistry>.Instance);
        try
        {
            _ = registry.Get(options.Tokenizer);
            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    private static Dictionary<BenchMode, ITokenizeLoad> CreateLoads(TokenizeBenchOptions options, TokenizationService service, TokenizerTarget target) => new()
    {
        [BenchMode.InProcess] = new InProcessLoad(service, options.Tokenizer, options.Batch),
        [BenchMode.InProcessRepeated] = new InProcessLoad(service, options.Tokenizer, options.Batch),
        [BenchMode.UnarySingle] = new UnaryLoad(target.Client, options.Tokenizer, options.Concurrency, 1, CallTimeout),
        [BenchMode.UnaryBatch] = new UnaryLoad(target.Client, options.Tokenizer, options.Concurrency, options.Batch, CallTimeout),
        [BenchMode.Stream] = new StreamLoad(target.Client, options.Tokenizer, options.InFlight, options.Batch,
            options.Warmup + options.Duration + TimeSpan.FromMinutes(1)),
    };

    private static void WriteHeader(TextWriter output, TokenizeBenchOptions options, TokenizerTarget target, RuntimeReport runtime)
    {
        output.WriteLine(string.Format(Culture,
            "bench tokenize: {0} via {1} ({2}); {3} run(s) x {4} s (+{5} s warm-up) per mode and language; batch {6}, {7} unary callers, "
            + "{8} stream requests in flight, {9} encoders",
            options.Tokenizer, target.Address, target.InProcess ? "tokenizer-svc started in this process" : "external tokenizer-svc",
            options.Runs, options.Duration.TotalSeconds, options.Warmup.TotalSeconds, options.Batch, options.Concurrency, options.InFlight, options.Workers));
        output.WriteLine(string.Format(Culture, "runtime: {0}, {1} cores, server GC {2}, GC latency mode {3}{4}",
            runtime.Framework, runtime.ProcessorCount, runtime.ServerGc ? "on" : "off", runtime.GcLatencyMode,
            runtime.DotnetEnvironment.Count == 0 ? string.Empty : ", " + string.Join(" ", runtime.DotnetEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))));
        output.WriteLine("texts: " + TextSynthesizer.Method);
        foreach (var language in options.Languages)
        {
            var profile = LanguageProfiles.For(language);
            output.WriteLine($"example {profile.Code}: {new TextSynthesizer(profile, new Random(Seeds.ToInt32(Seeds.Mix(options.Seed, 0xE4A)))).Sentence()}");
        }
    }

    /// <summary>Runs every mode over a few thousand texts so that its code is JIT-optimised before anything is measured.</summary>
    private static async Task WarmUpAsync(TokenizeBenchOptions options, Dictionary<BenchMode, ITokenizeLoad> loads, CancellationToken cancellationToken)
    {
        foreach (var mode in options.Modes)
        {
            var texts = mode == BenchMode.UnarySingle ? 500 : 2_000;
            var pool = TextPool.Generate(LanguageProfiles.English, Seeds.Mix(options.Seed, 0xA11, (ulong)mode), texts, cancellationToken);
            await LoadDriver.DrainAsync(loads[mode], pool, cancellationToken);
        }
    }

    /// <summary>In-process texts/s per language code, to size the first run's text pools.</summary>
    private static async Task<Dictionary<string, double>> CalibrateAsync(TokenizeBenchOptions options, ITokenizeLoad inProcess, CancellationToken cancellationToken)
    {
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var language in options.Languages)
        {
            var profile = LanguageProfiles.For(language);
            var pool = TextPool.Generate(profile, Seeds.Mix(options.Seed, 0xCA1, (ulong)language), CalibrationTexts, cancellationToken);
            rates[profile.Code] = (await LoadDriver.DrainAsync(inProcess, pool, cancellationToken)).TextsPerSecond;
        }

        return rates;
    }

    /// <summary>
    /// Generates a fresh pool for one cell, measures it, and raises the language's fastest rate. A
    /// pool that ran out before half the window had passed (the calibration, a few thousand texts
    /// right after start-up, can be ten times too slow for a fast tokenizer) proves a rate of at least
    /// its size over the time it lasted: the cell is measured again, up to
    /// <see cref="PoolAttempts"/> times in all, with a fresh pool sized for that rate.
    /// </summary>
    private static async Task<MeasurementRecord> MeasureAsync(
        TokenizeBenchOptions options, ITokenizeLoad load, int run, BenchMode mode, Language language,
        Dictionary<Language, double> fastest, Dictionary<string, TextStatistics> statistics, TextWriter output, CancellationToken cancellationToken)
    {
        var profile = LanguageProfiles.For(language);
        var cellSeed = Seeds.Mix(options.Seed, (ulong)run, (ulong)mode, (ulong)language);
        var window = (options.Warmup + options.Duration).TotalSeconds;
        var inFlight = options.Batch * Math.Max(options.Concurrency, options.InFlight);
        for (var attempt = 1; ; attempt++)
        {
            // The first attempt keeps the cell's own seed, so results stay comparable with earlier ones.
            var seed = attempt == 1 ? cellSeed : Seeds.Mix(cellSeed, (ulong)attempt);
            var texts = (int)Math.Min(MaxPoolTexts, (fastest[language] * window * PoolMargin) + (inFlight * 4));
            var pool = mode == BenchMode.InProcessRepeated
                ? TextPool.Repeating(profile, seed, options.Batch)
                : TextPool.Generate(profile, seed, texts, cancellationToken);
            if (mode != BenchMode.InProcessRepeated && !statistics.ContainsKey(profile.Code))
            {
                statistics[profile.Code] = pool.Describe(StatisticsSample);
            }

            // Start every window from a compacted heap, not with the previous pool's garbage.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();

            var result = await LoadDriver.MeasureAsync(load, pool, options.Warmup, options.Duration, cancellationToken);
            var cutShort = result.PoolRanOut && result.Seconds < options.Duration.TotalSeconds / 2;
            if (cutShort && attempt < PoolAttempts && texts < MaxPoolTexts)
            {
                var proven = pool.Count / (options.Warmup.TotalSeconds + result.Seconds);
                fastest[language] = Math.Max(fastest[language] * 2, proven);
                output.WriteLine(string.Format(Culture,
                    "run {0}/{1} {2} {3,-22} pool of {4:N0} texts ran out {5:F2} s into the window; measuring again with a pool for {6:N0} texts/s",
                    run, options.Runs, profile.Code, BenchModes.Label(mode, options.Batch), texts, result.Seconds, fastest[language]));
                continue;
            }

            if (mode != BenchMode.InProcessRepeated)
            {
                fastest[language] = Math.Max(fastest[language], result.TextsPerSecond);
            }

            return MeasurementRecord.From(run, mode, options.Batch, language, seed, pool.Count, result);
        }
    }

    private static void WriteProgress(TextWriter output, TokenizeBenchOptions options, MeasurementRecord record) =>
        output.WriteLine(string.Format(Culture,
            "run {0}/{1} {2} {3,-22} {4,10:N0} texts/s {5,7:F2} MB/s {6,12:N0} tokens/s  cpu {7:F2}  {8,6:N0} texts/cpu-s  gc {9:F1}%  alloc {10:N0} B/text{11}",
            record.Run, options.Runs, record.Language, record.Label, record.TextsPerSecond, record.MegabytesPerSecond, record.TokensPerSecond,
            record.CpuCores, record.TextsPerCpuSecond, record.GcPauseShare * 100, record.AllocatedBytesPerText,
            record.PoolRanOut ? string.Format(Culture, "  (pool ran out after {0:F1} s)", record.Seconds) : string.Empty));
}
