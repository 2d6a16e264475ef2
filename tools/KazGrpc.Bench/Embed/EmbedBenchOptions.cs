using System.Globalization;

namespace KazGrpc.Bench.Embed;

/// <summary>Settings of <c>bench embed</c>, parsed from its command line.</summary>
internal sealed class EmbedBenchOptions
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage: kazgrpc-bench embed [options]

        Measures Embed through tokenizer-svc and inference-svc against what the model does in-process,
        and the services' overhead against a bare gRPC echo, in one run:
          served     --concurrency callers, 1 input per Embed request (dynamic batching as configured)
          naive      the same with DynamicBatching:MaxBatchSize=1
          inproc     EncoderModel.Embed in this process on the same inputs, pre-tokenized, sorted by length
                     into batches of each --batch-sizes, --executions at once, each input once: the best
                     batch size is the ceiling
          overhead   a forged near-free encoder served the same way, and a bare unary echo (Protos/echo.proto)
          latency    1 caller: served p50 against in-process batch-1 p50 on the same inputs, and the p50 of a
                     bare echo whose calls are as far apart as the model runs (the idle round trip) and
                     of the same echo back to back (the warm round trip); and how long re-reading
                     256 KiB of memory takes after the same pause against back to back (no gRPC)
        Services are started as `dotnet <dll>` from their Release build output on free loopback ports
        (build first: dotnet build KazGrpc.sln -c Release), or measured at --inference-address.

        Options:
          --concurrency N          concurrent callers of the served, naive and overhead runs (default 64)
          --duration SECONDS       window of each served, naive, overhead and echo run (default 10)
          --warmup SECONDS         warm-up before each window (default 2; in-process windows: half, at most 1)
          --service-warmup SECS    more warm-up before the first window of each process started (default 12):
                                   a fresh service JIT-compiles for many seconds on 2 busy cores
          --settle-limit SECS      after that, warm such a process up until its tiered-compilation threads use
                                   under 2% of a core over 2 s, at most this long (default 60; 0: do not wait)
          --sweep-texts N          inputs each in-process batch size embeds once, the same for every size (default 1024)
          --latency-inputs N       inputs each 1-caller run embeds once, the same inputs in the same order
                                   in-process and served (default 500)
          --count N                end each served, naive, overhead and echo window after N items instead of a time
          --runs N                 repeat the whole set N times and report medians (default 1)
          --quick                  a smoke test: short windows (3 s, latency 200 inputs, warm-up 1 s, service warm-up
                                   8 s, no JIT settling), sweep 512, 2000 texts; its figures read low (services still JIT-compile)
          --phases LIST            comma-separated: served,naive,inproc,overhead,latency (default all)
          --batch-sizes LIST       in-process batch sizes (default 1,8,16,32,64)
          --bucketed-batch N       also embed the sweep inputs batched by the batcher's length buckets, N a batch
                                   (default 16; 0: not): tells padding cost from serving cost
          --executions N           in-process executions at once (default: cores, as OnnxRuntime:ConcurrentExecutions)
          --model NAME             embedding model directory under --models (default minilm)
          --models DIR             models directory (default models)
          --execution-provider P   auto, cpu or cuda, in-process and for started services (default auto)
          --texts N                corpus size (default 6000; kk, ru and en in equal parts)
          --min-tokens N           shortest input, framing included (default 8)
          --max-tokens N           longest input, framing included (default 128)
          --seed N                 base seed of the corpus (default 1)
          --inference-config K=V   extra configuration for every started inference-svc (repeatable),
                                   e.g. DynamicBatching:MaxQueueDelay=00:00:00
          --tokenizer-config K=V   extra configuration for a started tokenizer-svc (repeatable)
          --service-env K=V        environment variable for every started tokenizer-svc and inference-svc
                                   (repeatable), set over build/service-runtime.env (which every started server,
                                   the echoes included, runs under), e.g. DOTNET_gcServer=0
          --inference-address H:P  measure a running inference-svc in the served and latency runs
          --inference-metrics H:P  its Prometheus address, for the mean batch size (optional)
          --tokenizer-address H:P  a running tokenizer-svc for every inference-svc this run starts
          --out FILE               JSON result file (default bench-results/embed-<timestamp>.json)
        """;

    /// <summary>Concurrent callers of the served, naive and overhead runs. Default 64.</summary>
    public int Concurrency { get; private set; } = 64;

    /// <summary>Window of each served, naive, overhead and echo run. Default 10 s.</summary>
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Warm-up before each window. Default 2 s.</summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra warm-up before the first window of each started service. Default 12 s.</summary>
    public TimeSpan ServiceWarmup { get; private set; } = TimeSpan.FromSeconds(12);

    /// <summary>Longest a first window's warm-up goes on, after <see cref="ServiceWarmup"/>, waiting for
    /// the process's JIT to settle. Default 60 s; --quick: 0 (no wait).</summary>
    public TimeSpan SettleLimit { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>Inputs each in-process batch size embeds once (fixed work: a few long batches in a short
    /// window would make the rate a matter of which batches fell in it). Default 1024.</summary>
    public int SweepTexts { get; private set; } = 1024;

    /// <summary>Inputs each 1-caller run embeds once, in-process and served alike (fixed work: p50s
    /// over different samples of a corpus of mixed lengths differ by more than the serving cost). Default 500.</summary>
    public int LatencyInputs { get; private set; } = 500;

    /// <summary>Items after which each window closes; null: windows are timed. Default null.</summary>
    public long? Count { get; private set; }

    /// <summary>Repetitions of the whole set. Default 1.</summary>
    public int Runs { get; private set; } = 1;

    /// <summary>The <c>--quick</c> settings were applied.</summary>
    public bool Quick { get; private set; }

    /// <summary>Phases to measure. Default all.</summary>
    public IReadOnlySet<EmbedPhase> Phases { get; private set; } = new HashSet<EmbedPhase>(Enum.GetValues<EmbedPhase>());

    /// <summary>In-process batch sizes. Default 1, 8, 16, 32, 64.</summary>
    public IReadOnlyList<int> BatchSizes { get; private set; } = [1, 8, 16, 32, 64];

    /// <summary>Batch size of the in-process run batched by the batcher's length buckets; 0 skips it. Default 16.</summary>
    public int BucketedBatch { get; private set; } = 16;

    /// <summary>In-process executions at once. Default: the processor count (OnnxRuntime:ConcurrentExecutions' default).</summary>
    public int Executions { get; private set; } = Environment.ProcessorCount;

    /// <summary>The embedding model's directory name. Default minilm.</summary>
    public string Model { get; private set; } = "minilm";

    /// <summary>Models directory. Default <c>models</c>.</summary>
    public string ModelsDirectory { get; private set; } = "models";

    /// <summary>Execution provider, in-process and for started services. Default auto (the service default).</summary>
    public string ExecutionProvider { get; private set; } = "auto";

    /// <summary>Corpus size. Default 6000.</summary>
    public int Texts { get; private set; } = 6000;

    /// <summary>Shortest input in tokens, framing included. Default 8.</summary>
    public int MinTokens { get; private set; } = 8;

    /// <summary>Longest input in tokens, framing included. Default 128.</summary>
    public int MaxTokens { get; private set; } = 128;

    /// <summary>Base seed. Default 1.</summary>
    public ulong Seed { get; private set; } = 1;

    /// <summary>Extra <c>--Key=Value</c> configuration for started inference-svc processes. Default none.</summary>
    public IReadOnlyList<string> InferenceConfig { get; private set; } = [];

    /// <summary>Extra <c>--Key=Value</c> configuration for a started tokenizer-svc. Default none.</summary>
    public IReadOnlyList<string> TokenizerConfig { get; private set; } = [];

    /// <summary>Environment variables for started services (not the echo server). Default none.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A running inference-svc for the served and latency runs; null starts one. Default null.</summary>
    public Uri? InferenceAddress { get; private set; }

    /// <summary>The Prometheus address of <see cref="InferenceAddress"/>. Default null.</summary>
    public Uri? InferenceMetrics { get; private set; }

    /// <summary>A running tokenizer-svc; null starts one. Default null.</summary>
    public Uri? TokenizerAddress { get; private set; }

    /// <summary>JSON result file. Default bench-results/embed-&lt;UTC timestamp&gt;.json.</summary>
    public string Out { get; private set; } = Path.Combine("bench-results", $"embed-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");

    /// <summary>Warm-up of an in-process window: the model needs no JIT of the serving path.</summary>
    public TimeSpan InProcessWarmup => TimeSpan.FromTicks(Math.Min(Warmup.Ticks / 2, TimeSpan.TicksPerSecond));

    /// <summary>Parses <paramref name="args"/> (the arguments after <c>embed</c>); throws <see cref="FormatException"/> naming the bad option.</summary>
    public static EmbedBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EmbedBenchOptions();
        if (args.Contains("--quick"))
        {
            // Quick first, so that explicit options given with it still win.
            options.Quick = true;
            options.Duration = TimeSpan.FromSeconds(3);
            options.SweepTexts = 512;
            options.LatencyInputs = 200;
            options.Warmup = TimeSpan.FromSeconds(1);
            options.ServiceWarmup = TimeSpan.FromSeconds(8);
            options.SettleLimit = TimeSpan.Zero;
            options.Texts = 2000;
        }

        var inferenceConfig = new List<string>();
        var tokenizerConfig = new List<string>();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        OptionValues.Walk(args, (name, Value, argument) =>
        {

            switch (name)
            {
                case "--quick":
                    break;
                case "--concurrency":
                    options.Concurrency = OptionValues.Positive(name, Value());
                    break;
                case "--duration":
                    options.Duration = OptionValues.Seconds(name, Value());
                    break;
                case "--warmup":
                    options.Warmup = OptionValues.Seconds(name, Value(), allowZero: true);
                    break;
                case "--service-warmup":
                    options.ServiceWarmup = OptionValues.Seconds(name, Value(), allowZero: true);
                    break;
                case "--settle-limit":
                    options.SettleLimit = OptionValues.Seconds(name, Value(), allowZero: true);
                    break;
                case "--sweep-texts":
                    options.SweepTexts = OptionValues.Positive(name, Value());
                    break;
                case "--latency-inputs":
                    options.LatencyInputs = OptionValues.Positive(name, Value());
                    break;
                case "--count":
                    options.Count = OptionValues.Positive(name, Value());
                    break;
                case "--runs":
                    options.Runs = OptionValues.Positive(name, Value());
                    break;
                case "--phases":
                    options.Phases = new HashSet<EmbedPhase>(OptionValues.List(name, Value(), EmbedPhases.Parse));
                    break;
                case "--batch-sizes":
                    options.BatchSizes = [.. OptionValues.List(name, Value(), v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b is > 0 and <= 1024 ? b : (int?)null).Order()];
                    break;
                case "--bucketed-batch":
                    options.BucketedBatch = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var bucketed) && bucketed <= 1024
                        ? bucketed : throw new FormatException($"{name} must be an integer in [0, 1024]");
                    break;
                case "--executions":
                    options.Executions = OptionValues.Positive(name, Value());
                    break;
                case "--model":
                    options.Model = Value();
                    break;
                case "--models":
                    options.ModelsDirectory = Value();
                    break;
                case "--execution-provider":
                    var provider = Value();
                    options.ExecutionProvider = provider is "auto" or "cpu" or "cuda" ? provider : throw new FormatException($"{name} must be auto, cpu or cuda; got '{provider}'");
                    break;
                case "--texts":
                    options.Texts = OptionValues.Positive(name, Value());
                    break;
                case "--min-tokens":
                    options.MinTokens = OptionValues.Positive(name, Value());
                    break;
                case "--max-tokens":
                    options.MaxTokens = OptionValues.Positive(name, Value());
                    break;
                case "--seed":
                    options.Seed = OptionValues.Seed(name, Value());
                    break;
                case "--inference-config":
                    inferenceConfig.Add(Setting(name, Value()));
                    break;
                case "--tokenizer-config":
                    tokenizerConfig.Add(Setting(name, Value()));
                    break;
                case "--service-env":
                    var variable = Value();
                    var equals = variable.IndexOf('=', StringComparison.Ordinal);
                    environment[equals > 0 ? variable[..equals] : throw new FormatException($"{name} must be NAME=VALUE; got '{variable}'")] = variable[(equals + 1)..];
                    break;
                case "--inference-address":
                    options.InferenceAddress = OptionValues.Address(name, Value());
                    break;
                case "--inference-metrics":
                    options.InferenceMetrics = OptionValues.Address(name, Value());
                    break;
                case "--tokenizer-address":
                    options.TokenizerAddress = OptionValues.Address(name, Value());
                    break;
                case "--out":
                    options.Out = Value();
                    break;
                default:
                    throw new FormatException($"unknown option '{argument}'");
            }
        });

        if (options.MinTokens < 3 || options.MinTokens > options.MaxTokens)
        {
            throw new FormatException($"--min-tokens must be at least 3 and at most --max-tokens ({options.MaxTokens}); got {options.MinTokens}");
        }

        options.InferenceConfig = inferenceConfig;
        options.TokenizerConfig = tokenizerConfig;
        options.ServiceEnvironment = environment;
        return options;
    }

    /// <summary>A configuration override as the services take it on their command line: <c>--Key=Value</c>.</summary>
    private static string Setting(string name, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? "--" + value.TrimStart('-') : throw new FormatException($"{name} must be KEY=VALUE, e.g. DynamicBatching:MaxQueueDelay=00:00:00; got '{value}'");
    }
}
