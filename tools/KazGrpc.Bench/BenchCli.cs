using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using KazGrpc.Bench.Core;
using KazGrpc.Bench.Echo;
using KazGrpc.Bench.Embed;
using KazGrpc.Bench.Generate;
using KazGrpc.Bench.Text;
using KazGrpc.Bench.Tokenize;
using KazGrpc.Core;
using KazGrpc.Launcher;

namespace KazGrpc.Bench;

/// <summary>The command line of the bench commands and of the echo server (System.CommandLine: parsing, validation, help).</summary>
internal static class BenchCli
{
    private static readonly Dictionary<string, WindowKind> TokenizeModes = new(StringComparer.Ordinal)
    {
        ["inproc"] = WindowKind.TokenizeInProcess,
        ["unary1"] = WindowKind.TokenizeUnary1,
        ["unary"] = WindowKind.TokenizeUnary,
        ["stream"] = WindowKind.TokenizeStream,
    };

    public static RootCommand Create() => new("kazgrpc-bench: throughput and latency of the KazGrpc services") { Tokenize(), Embed(), Generate(), EchoServer() };

    /// <summary>
    /// The measuring commands (tokenize, embed, generate) without a parent, for <c>kazgrpc bench</c>:
    /// help names a command by its first parent, so they cannot be borrowed from <see cref="Create"/>'s root.
    /// </summary>
    public static IReadOnlyList<Command> MeasuringCommands() => [Tokenize(), Embed(), Generate()];

    private static Command Tokenize()
    {
        var command = new Command("tokenize", "Tokenizer throughput (texts/s, MB/s of UTF-8 input, tokens/s) on new Kazakh, Russian and English text, "
            + "in-process and through tokenizer-svc (unary x1, unary xN, stream)");
        var common = new Common(command, duration: (5, 1), warmup: (1, 0.5));
        var tokenizer = Add(command, "--tokenizer", "the tokenizer to measure", "o200k_base");
        var models = Add<string?>(command, "--models", "models directory, for tokenizers that are not built in (default: the repository's models/)", null);
        var languages = List(command, "--languages", "comma-separated: kk, ru, en", LanguageProfiles.All.Select(p => p.Code).ToArray(),
            code => LanguageProfiles.For(code)?.Code ?? throw new FormatException());
        var modes = List(command, "--modes", "comma-separated: inproc, unary1, unary, stream (inproc is always measured)", [.. TokenizeModes.Keys],
            key => TokenizeModes.TryGetValue(key, out _) ? key : throw new FormatException());
        var concurrency = Add(command, "--concurrency", "concurrent unary callers over one channel", 8, Positive);
        var inFlight = Add(command, "--in-flight", "requests outstanding on the TokenizeStream", 16, Positive);
        var batch = Add(command, "--batch", "texts per in-process call, batched unary call and stream request", 64, Positive);
        var workers = Add(command, "--workers", "encoders per tokenizer, in-process and in tokenizer-svc", Environment.ProcessorCount, Positive);
        Run(command, (parse, cancellationToken) => TokenizeBench.RunAsync(
            new TokenizeSettings(
                parse.GetValue(tokenizer)!, parse.GetValue(models), parse.GetValue(languages)!,
                [WindowKind.TokenizeInProcess, .. parse.GetValue(modes)!.Select(m => TokenizeModes[m]).Where(m => m != WindowKind.TokenizeInProcess)],
                common.Duration(parse), common.Warmup(parse), parse.GetValue(common.Runs), parse.GetValue(common.Quick), parse.GetValue(concurrency),
                parse.GetValue(inFlight), parse.GetValue(batch), parse.GetValue(workers), parse.GetValue(common.Seed), common.Out(parse, "tokenize")),
            cancellationToken));
        return command;
    }

    private static Command Embed()
    {
        var command = new Command("embed", "Embed through tokenizer-svc and inference-svc (started as processes) against the model in-process, "
            + "naive serving, the serving overhead against echo servers, and latency at one caller; judges DESIGN.md's targets");
        var common = new Common(command, duration: (10, 3), warmup: (2, 1));
        var phases = List(command, "--phases", "comma-separated: inproc, served, latency, naive, overhead",
            Enum.GetValues<EmbedPhase>(), key => Enum.GetValues<EmbedPhase>().Single(p => p.ToString().Equals(key, StringComparison.OrdinalIgnoreCase)));
        var concurrency = Add(command, "--concurrency", "concurrent callers of the served, naive and overhead windows", 64, Positive);
        var serviceWarmup = Add<double?>(command, "--service-warmup", "seconds of more warm-up before the first window of each started process, "
            + "which JIT-compiles under load for many seconds (default 12; --quick: 8)", null, s => s is null or >= 0);
        var batchSizes = List(command, "--batch-sizes", "in-process batch sizes; the best is the ceiling", [1, 8, 16, 32, 64],
            size => int.Parse(size, CultureInfo.InvariantCulture) is > 0 and <= 1024 and var value ? value : throw new FormatException());
        var sweepTexts = Add<int?>(command, "--sweep-texts", "inputs each in-process batch size embeds once (default 1024; --quick: 512)", null, n => n is null or > 0);
        var latencyInputs = Add<int?>(command, "--latency-inputs", "inputs each 1-caller window embeds once, the same in the same order (default 500; --quick: 200)",
            null, n => n is null or > 0);
        var texts = Add<int?>(command, "--texts", "inputs of each run's corpus (default 6000; --quick: 2000)", null, n => n is null or > 0);
        var model = Add(command, "--model", "embedding model, a directory under --models", "minilm");
        var models = Add<string?>(command, "--models", "models directory (default: the repository's models/)", null);
        var provider = Add(command, "--execution-provider", "auto, cpu or cuda, in-process and for the started services", "auto");
        provider.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var inferenceConfig = Pairs(command, "--inference-config", "KEY=VALUE for every started inference-svc and the in-process runs (OnnxRuntime:*, "
            + "DynamicBatching:ConcurrentExecutions), e.g. DynamicBatching:MaxQueueDelay=00:00:00; repeatable");
        var serviceEnv = Pairs(command, "--service-env", "NAME=VALUE set over build/service-runtime.env for the started services and the hop echo, "
            + "e.g. DOTNET_gcServer=0; repeatable");
        var envelope = new EnvelopeOptions(command);
        Run(command, (parse, cancellationToken) =>
        {
            int Pick(int? given, int normal, int quick) => given ?? (parse.GetValue(common.Quick) ? quick : normal);
            return EmbedBench.RunAsync(
                new EmbedSettings(
                    parse.GetValue(model)!, parse.GetValue(models) ?? RepositoryPaths.ModelsDirectory, parse.GetValue(provider)!, parse.GetValue(phases)!,
                    parse.GetValue(concurrency), common.Duration(parse), common.Warmup(parse),
                    TimeSpan.FromSeconds(Pick((int?)parse.GetValue(serviceWarmup), 12, 8)), parse.GetValue(common.Runs), parse.GetValue(common.Quick),
                    [.. parse.GetValue(batchSizes)!.Order()], Pick(parse.GetValue(sweepTexts), 1024, 512), Pick(parse.GetValue(latencyInputs), 500, 200),
                    Pick(parse.GetValue(texts), 6000, 2000), parse.GetValue(common.Seed), [.. parse.GetValue(inferenceConfig)!.Select(kv => $"--{kv.Key}={kv.Value}")],
                    parse.GetValue(serviceEnv)!, envelope.Settings(parse), common.Out(parse, "embed")),
                cancellationToken);
        });
        return command;
    }

    private static Command Generate()
    {
        var command = new Command("generate", "Generate streams on the same requests: the generation engine in-process, through tokenizer-svc and inference-svc "
            + "(started as processes) and on onnxruntime-genai's static Generator (a process of its own), at each concurrency; then a long prompt arriving "
            + "while streams decode; judges DESIGN.md's targets");
        var common = new Common(command, duration: (10, 4), warmup: (3, 1));
        var phases = List(command, "--phases", "comma-separated: inproc, served, genai, long",
            Enum.GetValues<GeneratePhase>(), key => Enum.GetValues<GeneratePhase>().Single(p => p.ToString().Equals(key, StringComparison.OrdinalIgnoreCase)));
        var concurrency = List(command, "--concurrency", "comma-separated concurrent streams (genai: batch sizes); the targets take 1 and the most", [1, 8, 32],
            size => int.Parse(size, CultureInfo.InvariantCulture) is > 0 and <= 1024 and var value ? value : throw new FormatException());
        var promptTokens = Range(command, "--prompt-tokens", "prompt lengths in tokens, MIN-MAX, drawn log-uniformly", "16-256");
        var newTokens = Range(command, "--new-tokens", "output lengths in tokens, MIN-MAX, drawn uniformly; end-of-sequence is ignored", "32-128");
        var prompts = Add(command, "--prompts", "how the served requests carry their prompts: ids (token_ids, tokenized here with the model's tokenizer, "
            + "as every mode runs them) or text (prompt, tokenized by tokenizer-svc)", "ids");
        prompts.AcceptOnlyFromAmong("ids", "text");
        var temperature = Add(command, "--temperature", "0: greedy (as genai runs); above 0: sampled at that temperature with a seed per request "
            + "(in-process and served only)", 0f, t => t is >= 0 and <= 2);
        var requests = Add<int?>(command, "--requests", "requests of each run's corpus, sent in order and again from the start (default 1024; --quick: 256)",
            null, n => n is null or > 0);
        var longTokens = Add(command, "--long-prompt-tokens", "tokens of the long prompt", 1000, n => n is > 0 and <= 4000);
        var longPrompts = Add<int?>(command, "--long-prompts", "long prompts sent one after another, each after 2 s of plain decoding (default 3; --quick: 2)",
            null, n => n is null or > 0);
        var longStreams = Add(command, "--long-prompt-streams", "streams decoding when a long prompt arrives", 31, Positive);
        var serviceWarmup = Add<double?>(command, "--service-warmup", "seconds of more warm-up before the first window of each started process and "
            + "of the in-process engine (default 12; --quick: 8)", null, s => s is null or >= 0);
        var model = Add(command, "--model", $"generation model, a directory under --models; {GenerateBench.DefaultModel} is forged there when absent",
            GenerateBench.DefaultModel);
        var models = Add<string?>(command, "--models", "models directory (default: the repository's models/)", null);
        var provider = Add(command, "--execution-provider", "auto, cpu or cuda, in-process and for the started services", "auto");
        provider.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var inferenceConfig = Pairs(command, "--inference-config", "KEY=VALUE for the started inference-svc and the in-process engine (OnnxRuntime:*, "
            + "KvCache:*, Generation:*; OnnxRuntime:DecoderIntraOpThreads goes to genai too), e.g. Generation:PrefillTokensPerStep=64; repeatable");
        var serviceEnv = Pairs(command, "--service-env", "NAME=VALUE set over build/service-runtime.env for the started services; repeatable");
        var envelope = new EnvelopeOptions(command);
        Run(command, (parse, cancellationToken) =>
        {
            int Pick(int? given, int normal, int quick) => given ?? (parse.GetValue(common.Quick) ? quick : normal);
            var settings = new GenerateSettings(
                parse.GetValue(model)!, parse.GetValue(models) ?? RepositoryPaths.ModelsDirectory, parse.GetValue(provider)!, parse.GetValue(phases)!,
                parse.GetValue(concurrency)!, common.Duration(parse), common.Warmup(parse), TimeSpan.FromSeconds(Pick((int?)parse.GetValue(serviceWarmup), 12, 8)),
                parse.GetValue(common.Runs), parse.GetValue(common.Quick), Pick(parse.GetValue(requests), 1024, 256), parse.GetValue(promptTokens),
                parse.GetValue(newTokens), parse.GetValue(temperature), parse.GetValue(prompts) == "text", parse.GetValue(longStreams), parse.GetValue(longTokens),
                Pick(parse.GetValue(longPrompts), 3, 2), parse.GetValue(common.Seed), [.. parse.GetValue(inferenceConfig)!.Select(kv => $"--{kv.Key}={kv.Value}")],
                parse.GetValue(serviceEnv)!, envelope.Settings(parse), common.Out(parse, "generate"));
            return settings.Requests >= settings.LongPromptStreams
                ? GenerateBench.RunAsync(settings, cancellationToken)
                : throw new InvalidOperationException($"--requests {settings.Requests} is fewer than --long-prompt-streams {settings.LongPromptStreams}");
        });
        return command;
    }

    private static Command EchoServer()
    {
        var command = new Command("echo-server", "The echo that bench embed starts as a process of its own: serves Protos/echo.proto on "
            + "127.0.0.1:PORT over HTTP/2 cleartext until stopped or its standard input closes");
        var port = Add(command, "--port", "loopback port to listen on", 0, p => p is > 0 and <= 65535);
        port.Required = true;
        var tokenizerAddress = Add<string?>(command, "--tokenizer-address", "a tokenizer-svc (http://host:port): each call first tokenizes its text there "
            + "with inference-svc's tokenizer client", null, a => a is null || Uri.TryCreate(a, UriKind.Absolute, out _));
        var tokenizer = Add(command, "--tokenizer", "the tokenizer that hop asks for", "minilm");
        command.SetAction((parse, cancellationToken) => EchoHost.RunAsync(
            parse.GetValue(port), parse.GetValue(tokenizerAddress) is { } address ? new Uri(address) : null, parse.GetValue(tokenizer)!, cancellationToken));
        return command;
    }

    /// <summary>Runs a command; a failure the benchmark expects (a service that will not start, a broken answer) is one line and exit code 1.</summary>
    private static void Run(Command command, Func<ParseResult, CancellationToken, Task> run) => command.SetAction(async (parse, cancellationToken) =>
    {
        try
        {
            await run(parse, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or RpcException or IOException or KazGrpcException)
        {
            await Console.Error.WriteLineAsync($"bench {command.Name} failed: {ex.Message}");
            return 1;
        }
    });

    private static bool Positive(int value) => value > 0;

    private static Option<T> Add<T>(Command command, string name, string description, T defaultValue, Func<T, bool>? valid = null)
    {
        var option = new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        if (valid is not null)
        {
            option.Validators.Add(result =>
            {
                T value;
                try
                {
                    value = result.GetValueOrDefault<T>();
                }
                catch (InvalidOperationException)
                {
                    // Not of type T: System.CommandLine reports that itself once the validators have run.
                    return;
                }

                if (!valid(value))
                {
                    result.AddError($"{name} does not take '{string.Join(' ', result.Tokens.Select(t => t.Value))}': {description}");
                }
            });
        }

        command.Options.Add(option);
        return option;
    }

    /// <summary>A comma-separated list, each item once; <paramref name="parse"/> throws <see cref="FormatException"/> for an item it does not know.</summary>
    private static Option<T[]> List<T>(Command command, string name, string description, T[] defaults, Func<string, T> parse)
    {
        var option = new Option<T[]>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaults,
            CustomParser = result =>
            {
                var keys = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                try
                {
                    return keys.Count > 0 ? [.. keys.Select(parse).Distinct()] : throw new FormatException();
                }
                catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException)
                {
                    result.AddError($"{name} does not take '{string.Join(',', keys)}': {description}");
                    return defaults;
                }
            },
        };
        command.Options.Add(option);
        return option;
    }

    /// <summary>A range of token counts, <c>MIN-MAX</c> or one number.</summary>
    private static Option<TokenRange> Range(Command command, string name, string description, string defaults)
    {
        var option = new Option<TokenRange>(name)
        {
            Description = description,
            DefaultValueFactory = _ => TokenRange.Parse(defaults),
            CustomParser = result =>
            {
                var text = string.Join(' ', result.Tokens.Select(t => t.Value));
                try
                {
                    return TokenRange.Parse(text);
                }
                catch (Exception ex) when (ex is FormatException or OverflowException)
                {
                    result.AddError($"{name} does not take '{text}': {description}, MIN-MAX with 1 <= MIN <= MAX");
                    return default;
                }
            },
        };
        command.Options.Add(option);
        return option;
    }

    /// <summary>Repeatable <c>KEY=VALUE</c>, the last of a key winning.</summary>
    private static Option<Dictionary<string, string>> Pairs(Command command, string name, string description)
    {
        var option = new Option<Dictionary<string, string>>(name)
        {
            Description = description,
            DefaultValueFactory = _ => new Dictionary<string, string>(StringComparer.Ordinal),
            CustomParser = result =>
            {
                var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var token in result.Tokens.Select(t => t.Value))
                {
                    var equals = token.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        result.AddError($"{name} takes KEY=VALUE; got '{token}'");
                        continue;
                    }

                    pairs[token[..equals].TrimStart('-')] = token[(equals + 1)..];
                }

                return pairs;
            },
        };
        command.Options.Add(option);
        return option;
    }

    /// <summary>What of the e-gov envelope the services of <c>embed</c> and <c>generate</c> run with, to measure its cost.</summary>
    private sealed class EnvelopeOptions(Command command)
    {
        public Option<bool> Auth { get; } = Add(command, "--auth", "require API keys on every call, the tokenizer hop's included (keys made for the run)", false);

        public Option<bool> Quotas { get; } = Add(command, "--quotas", "set every quota (Auth:DefaultQuotas) so high that it is counted and never reached", false);

        public Option<bool> Tracing { get; } = Add(command, "--tracing", "export every span over OTLP/HTTP to a sink in this benchmark", false);

        public EnvelopeSettings Settings(ParseResult parse) => new(parse.GetValue(Auth), parse.GetValue(Quotas), parse.GetValue(Tracing));
    }

    /// <summary>The options both measuring commands have; where <c>--quick</c> changes a default, the option is null unless given.</summary>
    private sealed class Common(Command command, (double Normal, double Quick) duration, (double Normal, double Quick) warmup)
    {
        public Option<int> Runs { get; } = Add(command, "--runs", "repeat every window N times and report medians", 1, Positive);

        public Option<bool> Quick { get; } = Add(command, "--quick", "a smoke test: short windows and small inputs; its figures read low", false);

        public Option<double?> DurationSeconds { get; } = Add<double?>(command, "--duration",
            FormattableString.Invariant($"seconds of each timed window (default {duration.Normal}; --quick: {duration.Quick})"), null, s => s is null or (> 0 and <= 3600));

        public Option<double?> WarmupSeconds { get; } = Add<double?>(command, "--warmup",
            FormattableString.Invariant($"seconds of load before each window (default {warmup.Normal}; --quick: {warmup.Quick})"), null, s => s is null or (>= 0 and <= 3600));

        public Option<ulong> Seed { get; } = Add(command, "--seed", "base seed of the generated text", 1UL);

        public Option<string?> Output { get; } = Add<string?>(command, "--out", "JSON result file (default bench-results/<command>-<UTC time>.json)", null);

        public TimeSpan Duration(ParseResult parse) => TimeSpan.FromSeconds(parse.GetValue(DurationSeconds) ?? (parse.GetValue(Quick) ? duration.Quick : duration.Normal));

        public TimeSpan Warmup(ParseResult parse) => TimeSpan.FromSeconds(parse.GetValue(WarmupSeconds) ?? (parse.GetValue(Quick) ? warmup.Quick : warmup.Normal));

        public string Out(ParseResult parse, string name) =>
            parse.GetValue(Output) ?? Path.Combine("bench-results", $"{name}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");
    }
}
