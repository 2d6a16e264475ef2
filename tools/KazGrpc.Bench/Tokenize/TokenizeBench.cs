using Grpc.Core;
using Grpc.Net.Client;
using KazGrpc.Bench.Core;
using KazGrpc.Bench.Text;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;
using KazGrpc.Tokenization;
using KazGrpc.TokenizerSvc;

namespace KazGrpc.Bench.Tokenize;

/// <summary>
/// <c>bench tokenize</c>: one tokenizer on text it has not seen, per language, in-process and
/// through a tokenizer-svc hosted in this process (so it runs under this process's runtime
/// settings), each window on texts of its own; medians over runs.
/// </summary>
internal sealed class TokenizeBench
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    // A window's texts are made beforehand, this many times what the fastest rate seen so far for the
    // language can use: rates swing on a shared machine, and a pool that runs out shortens the window.
    private const double PoolMargin = 2.0;
    private const int MaxPoolTexts = 1_000_000;
    private const int CalibrationTexts = 3_000;
    private const int PoolAttempts = 3;

    private readonly TokenizeSettings _settings;
    private readonly TokenizationService _inProcess;
    private readonly TokenizerService.TokenizerServiceClient _client;
    private readonly TokenizeStreamCaller _stream;

    private TokenizeBench(TokenizeSettings settings, TokenizationService inProcess, TokenizerService.TokenizerServiceClient client, TokenizeStreamCaller stream)
    {
        _settings = settings;
        _inProcess = inProcess;
        _client = client;
        _stream = stream;
    }

    public static async Task RunAsync(TokenizeSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var runtime = RuntimeInfo.Current(new Dictionary<string, string>());
        var options = new TokenizationOptions
        {
            WorkersPerTokenizer = settings.Workers,
            Builtins = TiktokenLoader.BuiltinNames.Contains(settings.Tokenizer) ? [settings.Tokenizer] : [],
            ModelsDirectory = settings.ModelsDirectory ?? RepositoryPaths.ModelsDirectory,
        };
        using var tokenizer = new InProcessTokenizer(options, settings.Tokenizer, cancellationToken);
        var port = FreePort.Next();
        await using var host = TokenizerApp.Build([
            $"--Hosting:GrpcAddress=127.0.0.1:{port}", "--Hosting:MetricsAddress=", "--Hosting:HttpAddress=", "--Logging:LogLevel:Default=Error",
            $"--Tokenization:WorkersPerTokenizer={settings.Workers}", $"--Tokenization:ModelsDirectory={options.ModelsDirectory}"]);
        await host.StartAsync(cancellationToken);
        try
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new TokenizerService.TokenizerServiceClient(channel);
            await WaitReadyAsync(client, settings.Tokenizer, cancellationToken);
            await using var stream = new TokenizeStreamCaller(client, cancellationToken);
            var bench = new TokenizeBench(settings, tokenizer.Service, client, stream);

            Report.Line($"bench tokenize: {settings.Tokenizer} in-process and through tokenizer-svc hosted in this process; {settings.Runs} run(s) x "
                + $"{settings.Duration.TotalSeconds} s (+{settings.Warmup.TotalSeconds} s warm-up) per mode and language; batch {settings.Batch}, "
                + $"{settings.Concurrency} unary callers, {settings.InFlight} stream requests in flight, {settings.Workers} encoders");
            Report.Line(runtime.ToString());
            Report.Line("texts: " + TextSynthesizer.Method);
            var windows = await bench.MeasureAllAsync(cancellationToken);

            var medians = Window.Medians(windows);
            Report.Line();
            Report.Table(medians, settings.Runs, Columns(medians),
                "MB = 10^6 bytes of UTF-8 input. vs in-process = texts/s over the in-process texts/s of the language. cpu = cores busy in this\n"
                + "process: the callers, the in-process tokenizer and tokenizer-svc, which runs in it.");
            await Report.WriteJsonAsync(settings.Out, new BenchResult<TokenizeSettings>(Report.CommandLine(), started,
                (DateTimeOffset.UtcNow - started).TotalSeconds, runtime, settings, medians, [], windows), BenchJsonContext.Default.BenchResultTokenizeSettings, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static Report.Column[] Columns(IReadOnlyList<Window> medians)
    {
        double? InProcess(Window w) => medians.FirstOrDefault(m => m.Key == w.Key with { Kind = WindowKind.TokenizeInProcess })?.ItemsPerSecond;
        return
        [
            new("mode", w => w.Label, Left: true),
            new("lang", w => w.Key.Language, Left: true),
            new("texts/s", w => $"{w.ItemsPerSecond:N0}"),
            new("MB/s", w => $"{w.MegabytesPerSecond:F2}"),
            new("tokens/s", w => $"{w.TokensPerSecond:N0}"),
            new("p50 ms", w => $"{w.P50Ms:F2}"),
            new("vs in-process", w => InProcess(w) is > 0 and var rate ? $"{w.ItemsPerSecond / rate:F2}" : "-"),
            new("cpu", w => $"{w.BenchCores:F2}"),
            new("note", w => w.RanOut ? "ran out of texts early" : w.Failed > 0 ? $"{w.Failed} failed" : string.Empty, Left: true),
        ];
    }

    /// <summary>tokenizer-svc loads its tokenizers after it starts: waits until it lists the one under test.</summary>
    private static async Task WaitReadyAsync(TokenizerService.TokenizerServiceClient client, string tokenizer, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ReadyTimeout);
        while (true)
        {
            try
            {
                var names = (await client.ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: limit.Token)).Tokenizers.Select(t => t.Name).ToList();
                if (names.Contains(tokenizer))
                {
                    return;
                }

                throw new InvalidOperationException($"tokenizer-svc has no tokenizer '{tokenizer}'; it has {string.Join(", ", names)}");
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && !limit.IsCancellationRequested)
            {
                await Task.Delay(100, limit.Token);
            }
        }
    }

    private async Task<List<Window>> MeasureAllAsync(CancellationToken cancellationToken)
    {
        // JIT warm-up of every mode, then the in-process rate of each language, which sizes the first pools.
        foreach (var mode in _settings.Modes)
        {
            var (callers, batch, _) = Shape(mode);
            await LoadLoop.WarmAsync(TextPool.Generate(LanguageProfiles.English, Seeds.Mix(_settings.Seed, 0xA11), 2_000, batch, cancellationToken),
                callers, Call(mode), _settings.Warmup, cancellationToken);
        }

        var fastest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var code in _settings.Languages)
        {
            var profile = LanguageProfiles.For(code)!;
            Report.Line($"example {code}: {new TextSynthesizer(profile, new Random(Seeds.ToInt32(_settings.Seed))).Sentence()}");
            var calibration = await LoadLoop.MeasureAsync(
                new WindowSpec(0, new WindowKey(WindowKind.TokenizeInProcess, Language: code), $"calibration {code}", "texts", _settings.Workers, TimeSpan.Zero, null, Once: true),
                TextPool.Generate(profile, Seeds.Mix(_settings.Seed, 0xCA1, (ulong)code[0]), CalibrationTexts, _settings.Batch, cancellationToken),
                Call(WindowKind.TokenizeInProcess), WindowProbe.None, cancellationToken);
            // A short calibration may catch a busy moment: the first pools are sized for twice its rate.
            fastest[code] = calibration.ItemsPerSecond * 2;
        }

        Report.Line();
        var windows = new List<Window>();
        for (var run = 1; run <= _settings.Runs; run++)
        {
            foreach (var code in _settings.Languages)
            {
                foreach (var mode in _settings.Modes)
                {
                    windows.Add(await MeasureAsync(run, mode, code, fastest, cancellationToken));
                    Report.Line(windows[^1]);
                }
            }
        }

        return windows;
    }

    /// <summary>
    /// Measures one mode and language on a fresh pool. A pool that ran out before half the window
    /// (a calibration right after start-up can be ten times too slow for a fast tokenizer) proves a
    /// rate of at least its size over the time it lasted: the window is measured again, up to
    /// <see cref="PoolAttempts"/> times in all, with a pool for that rate.
    /// </summary>
    private async Task<Window> MeasureAsync(int run, WindowKind mode, string code, Dictionary<string, double> fastest, CancellationToken cancellationToken)
    {
        var (callers, batch, label) = Shape(mode);
        var seed = Seeds.Mix(_settings.Seed, (ulong)run, (ulong)mode, code[0]);
        var spec = new WindowSpec(run, new WindowKey(mode, Language: code), label, "texts", callers, _settings.Warmup, _settings.Duration, Once: true);
        for (var attempt = 1; ; attempt++)
        {
            var texts = (int)Math.Min(MaxPoolTexts, (fastest[code] * (_settings.Warmup + _settings.Duration).TotalSeconds * PoolMargin) + (batch * callers * 4));
            var pool = TextPool.Generate(LanguageProfiles.For(code)!, attempt == 1 ? seed : Seeds.Mix(seed, (ulong)attempt), texts, batch, cancellationToken);
            var window = await LoadLoop.MeasureAsync(spec, pool, Call(mode), WindowProbe.None, cancellationToken);
            if (window.RanOut && window.Seconds < _settings.Duration.TotalSeconds / 2 && attempt < PoolAttempts && texts < MaxPoolTexts)
            {
                fastest[code] = Math.Max(fastest[code] * 2, texts / (_settings.Warmup.TotalSeconds + window.Seconds));
                Report.Line($"run {run} {code} {label}: {texts:N0} texts ran out {window.Seconds:F2} s into the window; again with a pool for {fastest[code]:N0} texts/s");
                continue;
            }

            fastest[code] = Math.Max(fastest[code], window.ItemsPerSecond);
            return window;
        }
    }

    private (int Callers, int Batch, string Label) Shape(WindowKind mode) => mode switch
    {
        WindowKind.TokenizeInProcess => (_settings.Workers, _settings.Batch, $"in-process x{_settings.Batch}"),
        WindowKind.TokenizeUnary1 => (_settings.Concurrency, 1, "unary x1"),
        WindowKind.TokenizeUnary => (_settings.Concurrency, _settings.Batch, $"unary x{_settings.Batch}"),
        _ => (_settings.InFlight, _settings.Batch, $"stream x{_settings.Batch}"),
    };

    private Func<TextBatch, CancellationToken, ValueTask<Work>> Call(WindowKind mode) => mode switch
    {
        WindowKind.TokenizeInProcess => async (batch, token) =>
        {
            var results = await _inProcess.TokenizeAsync(new TokenizeCommand { Tokenizer = _settings.Tokenizer, Texts = batch.Texts }, token);
            return new Work(results.Length, batch.Bytes, results.Sum(r => (long)r.Ids.Length));
        },
        WindowKind.TokenizeStream => async (batch, token) => Checked(await _stream.TokenizeAsync(Request(batch), token), batch),
        _ => async (batch, token) => Checked(await _client.TokenizeAsync(Request(batch), deadline: DateTime.UtcNow + CallTimeout, cancellationToken: token), batch),
    };

    private TokenizeRequest Request(TextBatch batch) => new() { Tokenizer = _settings.Tokenizer, Texts = { batch.Texts } };

    /// <summary>What <paramref name="response"/> did; throws when it does not answer every text, so that a broken service cannot look fast.</summary>
    private static Work Checked(TokenizeResponse response, TextBatch batch) =>
        response.Error is { } error ? throw new InvalidOperationException($"request '{response.RequestId}' failed with status {error.Code}: {error.Message}")
        : response.Results.Count != batch.Texts.Length || response.Results.Any(r => r.Ids.Count == 0)
            ? throw new InvalidOperationException($"{batch.Texts.Length} texts got {response.Results.Count} results, or one without ids")
            : new Work(batch.Texts.Length, batch.Bytes, response.Results.Sum(r => (long)r.Ids.Count));
}
