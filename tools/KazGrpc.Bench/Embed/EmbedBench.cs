using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using KazGrpc.Batching;
using KazGrpc.Bench.Echo.V1;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;
using KazGrpc.Models;
using KazGrpc.Tokenization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// <c>bench embed</c>: Embed through tokenizer-svc and inference-svc against the same model
/// in-process, naive serving, the serving overhead against a bare echo, and latency at one caller,
/// in one run; medians over runs and the target figures.
/// </summary>
internal static class EmbedBench
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>Runs the benchmark and writes progress, the table and the JSON result file.</summary>
    public static async Task RunAsync(EmbedBenchOptions options, string commandLine, TextWriter output, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var runtime = RuntimeReport.Current();
        var build = typeof(EmbedBench).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
        var root = RepositoryRoot();
        var modelsDirectory = Path.IsPathRooted(options.ModelsDirectory) || Directory.Exists(options.ModelsDirectory)
            ? options.ModelsDirectory
            : Path.Combine(root, options.ModelsDirectory);

        using var workspace = BenchWorkspace.Create(modelsDirectory, options.Model);
        var tokenizationOptions = Options.Create(new TokenizationOptions { ModelsDirectory = workspace.ModelsDirectory, Builtins = [] });
        using var registry = TokenizerRegistry.Load(tokenizationOptions, NullLogger<TokenizerRegistry>.Instance, cancellationToken);
        var tokenization = new TokenizationService(registry, tokenizationOptions);
        var onnx = InProcessOnnxOptions(options);
        using var encoder = options.Phases.Contains(EmbedPhase.InProcess) || options.Phases.Contains(EmbedPhase.Latency)
            ? EncoderModel.Load(workspace.ModelDirectory, EmbeddingModelConfig.Read(workspace.ModelDirectory), new SessionFactory(Options.Create(onnx), NullLogger<SessionFactory>.Instance))
            : null;
        await using var services = new EmbedServices(options, workspace, root);
        var bench = new Session(options, services, output, !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out));

        WriteHeader(output, options, workspace, runtime, build, onnx, encoder, services.RuntimeEnvironment);
        var measurements = new List<EmbedMeasurement>();
        CorpusStatistics? corpusStatistics = null;
        for (var run = 1; run <= options.Runs; run++)
        {
            var corpus = await EmbedCorpus.GenerateAsync(tokenization, workspace.Tokenizer, options.Texts, options.MinTokens, options.MaxTokens,
                Seeds.Mix(options.Seed, (ulong)run), cancellationToken);
            if (run == 1)
            {
                corpusStatistics = corpus.Describe();
                WriteCorpus(output, corpus, corpusStatistics);
            }

            output.WriteLine();
            output.WriteLine(string.Format(Culture, "run {0}/{1}", run, options.Runs));
            measurements.AddRange(await bench.RunOnceAsync(run, corpus, encoder, cancellationToken));
        }

        var medians = EmbedSummary.Medians(measurements);
        var ratios = EmbedSummary.Ratios(medians, measurements, bench.Rereads);
        output.WriteLine();
        EmbedTablePrinter.Table(output, medians, options.Runs);
        output.WriteLine();
        EmbedTablePrinter.Ratios(output, ratios, measurements);

        var report = new EmbedReport(
            commandLine,
            started,
            clock.Elapsed.TotalSeconds,
            runtime,
            new EmbedSettings(
                workspace.Model, workspace.Tokenizer, options.ExecutionProvider, options.Concurrency, options.Duration.TotalSeconds, options.Warmup.TotalSeconds,
                options.ServiceWarmup.TotalSeconds, options.SettleLimit.TotalSeconds, options.SweepTexts, options.LatencyInputs, options.Count, options.Runs, options.Quick,
                [.. Enum.GetValues<EmbedPhase>().Where(options.Phases.Contains).Select(EmbedPhases.Key)], options.BatchSizes, options.Executions,
                options.Texts, options.MinTokens, options.MaxTokens, options.Seed, options.InferenceConfig, options.TokenizerConfig, options.ServiceEnvironment,
                options.InferenceAddress?.ToString(), options.TokenizerAddress?.ToString(), build),
            EmbedCorpus.Method,
            corpusStatistics,
            medians,
            ratios,
            measurements,
            bench.Rereads);
        await BenchJsonContext.WriteAsync(options.Out, report, BenchJsonContext.Default.EmbedReport, cancellationToken);
        output.WriteLine();
        output.WriteLine($"results: {options.Out} ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    /// <summary>
    /// ONNX Runtime settings of the in-process runs: the service's defaults, the execution provider
    /// asked for, and any <c>OnnxRuntime:*</c> given to the services with <c>--inference-config</c>,
    /// so that both sides run the model alike.
    /// </summary>
    private static OnnxRuntimeOptions InProcessOnnxOptions(EmbedBenchOptions options)
    {
        var settings = ServiceSection(options, OnnxRuntimeOptions.SectionName, new OnnxRuntimeOptions { ExecutionProvider = options.ExecutionProvider });
        settings.Validate();
        return settings;
    }

    /// <summary>A section of inference-svc's settings as the started services get them: <paramref name="settings"/>
    /// (defaults and the benchmark's own arguments), then <c>--inference-config</c>.</summary>
    private static T ServiceSection<T>(EmbedBenchOptions options, string section, T settings)
        where T : class
    {
        new ConfigurationBuilder().AddCommandLine([.. options.InferenceConfig]).Build().GetSection(section).Bind(settings);
        return settings;
    }

    /// <summary>The directory holding KazGrpc.sln: above the working directory, else above this executable.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "KazGrpc.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find KazGrpc.sln above the working directory or the benchmark; run from the repository");
    }

    private static void WriteHeader(
        TextWriter output, EmbedBenchOptions options, BenchWorkspace workspace, RuntimeReport runtime, string build, OnnxRuntimeOptions onnx, EncoderModel? encoder,
        IReadOnlyDictionary<string, string> serverRuntime)
    {
        var windows = options.Count is { } count
            ? string.Format(Culture, "windows end at {0:N0} items", count)
            : string.Format(Culture, "windows {0} s (1 caller: {1} inputs)", options.Duration.TotalSeconds, options.LatencyInputs);
        output.WriteLine(string.Format(Culture,
            "bench embed: model {0} (tokenizer {1}), {2} run(s), {3} callers, {4}, warm-up {5} s (+{7} s on a fresh service{8}); phases {6}",
            workspace.Model, workspace.Tokenizer, options.Runs, options.Concurrency, windows, options.Warmup.TotalSeconds,
            string.Join(",", Enum.GetValues<EmbedPhase>().Where(options.Phases.Contains).Select(EmbedPhases.Key)), options.ServiceWarmup.TotalSeconds,
            options.SettleLimit > TimeSpan.Zero ? string.Format(Culture, ", then until its JIT settles, at most {0} s", options.SettleLimit.TotalSeconds) : string.Empty));
        output.WriteLine(string.Format(Culture, "runtime: {0}, {1} cores, server GC {2}, bench build {3}{4}",
            runtime.Framework, runtime.ProcessorCount, runtime.ServerGc ? "on" : "off", build,
            runtime.DotnetEnvironment.Count == 0 ? string.Empty : ", " + Variables(runtime.DotnetEnvironment)));
        if (encoder is not null)
        {
            output.WriteLine(string.Format(Culture, "in-process: {0} on {1}, {2} execution(s) at once, intra-op threads {3}, batch sizes {4}, {5} inputs each",
                workspace.Model, encoder.Provider, options.Executions, onnx.IntraOpThreads, string.Join(",", options.BatchSizes), options.SweepTexts));
        }

        if (options.InferenceConfig.Count > 0)
        {
            output.WriteLine("inference-svc configuration: " + string.Join(" ", options.InferenceConfig));
        }

        if (serverRuntime.Count > 0)
        {
            output.WriteLine($"server runtime ({ServiceRuntimeEnvironment.RelativePath}, every server started): {Variables(serverRuntime)}");
        }

        if (options.ServiceEnvironment.Count > 0)
        {
            output.WriteLine($"service environment: {Variables(options.ServiceEnvironment)}");
        }

        if (build != "Release")
        {
            output.WriteLine($"warning: this benchmark is a {build} build; build with -c Release for figures worth comparing");
        }
    }

    private static string Variables(IReadOnlyDictionary<string, string> variables) =>
        string.Join(" ", variables.Select(kv => $"{kv.Key}={kv.Value}"));

    private static void WriteCorpus(TextWriter output, EmbedCorpus corpus, CorpusStatistics statistics)
    {
        output.WriteLine(string.Format(Culture,
            "corpus: {0:N0} inputs, tokens {1}-{2}, mean {3:F1}, median {4:F0}, {5:F0} UTF-8 bytes on average; by length {6}; mean tokens {7}",
            statistics.Texts, statistics.MinTokens, statistics.MaxTokens, statistics.MeanTokens, statistics.MedianTokens, statistics.MeanBytes,
            string.Join(" ", statistics.ShareByLength.Select(kv => string.Format(Culture, "{0}:{1:P0}", kv.Key, kv.Value))),
            string.Join(" ", statistics.MeanTokensByLanguage.Select(kv => string.Format(Culture, "{0} {1:F1}", kv.Key, kv.Value)))));
        foreach (var example in corpus.Inputs.GroupBy(i => i.Language).Select(g => g.First()))
        {
            output.WriteLine($"example {example.Language} ({example.Ids.Length} tokens): {example.Text}");
        }
    }

    /// <summary>The phases of one run and the measurement of one window.</summary>
    private sealed class Session(EmbedBenchOptions options, EmbedServices services, TextWriter output, bool live)
    {
        private static readonly TimeSpan SettleInterval = TimeSpan.FromSeconds(2);
        private const double SettledCompilerShare = 0.02;

        // Processes in their first window, whose warm-up goes on until their JIT settles (WarmupFor
        // adds, SettleAsync takes), and what the last settling said, for their window's result line.
        private readonly List<ServiceTarget> _settling = [];
        private string? _settleNote;

        /// <summary>The latency phase's memory re-read of each run.</summary>
        public List<MemoryReread> Rereads { get; } = [];

        public async Task<List<EmbedMeasurement>> RunOnceAsync(int run, EmbedCorpus corpus, EncoderModel? encoder, CancellationToken cancellationToken)
        {
            var results = new List<EmbedMeasurement>();
            var inputs = corpus.Inputs;
            var phases = options.Phases;

            // The corpus's first `count` inputs for fixed work, and `others` inputs after them (wrapping
            // around) for the warm-up before it.
            (EmbedInput[] Set, EmbedInput[] Others) Carve(int count, int others)
            {
                var set = inputs.Take(Math.Min(count, inputs.Count)).ToArray();
                return (set, [.. inputs.Skip(set.Length).Concat(inputs).Take(others)]);
            }

            // The in-process encoder is the served model, loaded in this process.
            var inProcessModel = services.ModelOf(InferenceVariant.Served);

            // The same inputs at every batch size, each embedded once; a warm-up on other inputs first.
            var (sweep, spare) = Carve(options.SweepTexts, Math.Max(options.BatchSizes.Max() * options.Executions, 256));
            async Task<EmbedMeasurement> MeasureInProcessAsync(string key, string label, int batch)
            {
                await WarmAsync(new EncoderLoad(encoder!, EncoderLoad.LengthSortedBatches(spare, batch), options.Executions), options.InProcessWarmup, cancellationToken);
                return await MeasureAsync(run, key, label, inProcessModel,
                    new EncoderLoad(encoder, EncoderLoad.LengthSortedBatches(sweep, batch), options.Executions, once: true), batch,
                    TimeSpan.Zero, TimeSpan.FromHours(1), [], null, cancellationToken, limit: sweep.Length);
            }

            if (encoder is not null && phases.Contains(EmbedPhase.InProcess))
            {
                foreach (var batch in options.BatchSizes)
                {
                    results.Add(await MeasureInProcessAsync(EmbedSummary.InProcessPrefix + batch.ToString(Culture), $"in-process batch {batch}", batch));
                }

                // Not a ceiling candidate: the batcher's own grouping, to tell padding from serving cost.
                if (options.BucketedBatch > 0)
                {
                    var size = options.BucketedBatch;
                    var batching = ServiceSection(options, DynamicBatcherOptions.SectionName, new DynamicBatcherOptions());
                    await WarmAsync(new EncoderLoad(encoder, EncoderLoad.LengthSortedBatches(spare, size), options.Executions), options.InProcessWarmup, cancellationToken);
                    results.Add(await MeasureAsync(run, EmbedSummary.BucketedPrefix + size.ToString(Culture), $"in-process batch {size}, batcher buckets", inProcessModel,
                        new EncoderLoad(encoder, EncoderLoad.BucketedBatches(sweep, size, batching.MinLengthBucket, batching.LengthBucketGrowth), options.Executions, once: true), size,
                        TimeSpan.Zero, TimeSpan.FromHours(1), [], null, cancellationToken, limit: sweep.Length));
                }
            }

            if (phases.Contains(EmbedPhase.Served))
            {
                results.Add(await MeasureServedAsync(run, EmbedSummary.Served, $"served ({services.ModelOf(InferenceVariant.Served)})", InferenceVariant.Served,
                    options.Concurrency, options.Duration, inputs, cancellationToken));

                // The ceiling again after the served window, at this run's best batch size: the
                // served/ceiling figure divides by the mean of the two, so that a machine that drifts
                // between the sweep and the served window does not move the ratio.
                if (encoder is not null && results.Where(m => m.Key.StartsWith(EmbedSummary.InProcessPrefix, StringComparison.Ordinal)).MaxBy(m => m.ItemsPerSecond) is { } best)
                {
                    results.Add(await MeasureInProcessAsync(EmbedSummary.CeilingAfter, $"in-process batch {best.BatchSize}, after served", best.BatchSize));
                }
            }

            if (phases.Contains(EmbedPhase.Latency))
            {
                // One caller, the same inputs once each, in the same order, on both sides: the p50s of
                // different samples of a corpus of mixed lengths differ by more than the serving cost.
                // The served warm-up (other inputs) goes first; then the in-process window, and the
                // served window right after it, so that the machine has little time to drift between them.
                // (Alternating the two in short stretches was tried: every switch between the two
                // processes' models slowed both, the served side more, by up to a millisecond.)
                var (latencySet, latencyWarmup) = Carve(options.LatencyInputs, Math.Max(inputs.Count - options.LatencyInputs, 256));
                var served = await MeasureServedAsync(run, EmbedSummary.ServedSingle, "served, 1 caller", InferenceVariant.Served, 1, TimeSpan.Zero, latencySet, cancellationToken,
                    warmupInputs: latencyWarmup,
                    beforeWindow: encoder is null ? null : async () =>
                    {
                        await WarmAsync(new EncoderLoad(encoder, EncoderLoad.Singles(latencyWarmup), 1), options.InProcessWarmup, cancellationToken);
                        results.Add(await MeasureAsync(run, EmbedSummary.InProcessSingle, "in-process batch 1, 1 caller", inProcessModel,
                            new EncoderLoad(encoder, EncoderLoad.Singles(latencySet), 1, once: true), 1, TimeSpan.Zero, TimeSpan.FromHours(1), [], null, cancellationToken,
                            limit: latencySet.Length));
                    });
                results.Add(served);

                // The floor under that difference on this machine: a bare echo at one caller whose
                // calls are as far apart as the model keeps the served path idle (the in-process mean),
                // so that every round trip starts from sleeping threads, as the served ones do.
                var idle = TimeSpan.FromMilliseconds(results.LastOrDefault(m => m.Key == EmbedSummary.InProcessSingle)?.MeanMs ?? 8);
                var echoTarget = await services.EchoAsync(cancellationToken);
                await WarmAsync(new UnaryCallLoad(1, latencyWarmup, EchoCall(echoTarget), pause: idle), WarmupFor(echoTarget), cancellationToken);
                results.Add(await EchoOnceEachAsync(EmbedSummary.EchoIdle, $"bare gRPC echo, 1 caller, {idle.TotalMilliseconds:F1} ms apart", idle));

                // The same echo back to back: the round trip from threads that have no time to fall
                // asleep, through caches that have no time to empty.
                results.Add(await EchoOnceEachAsync(EmbedSummary.EchoWarm, "bare gRPC echo, 1 caller, back to back", TimeSpan.Zero));

                // What the machine's caches keep over the same pause, with no gRPC at all: idle minus
                // warm above is this loss, paid for every line of code and data the call path touches,
                // more than the cost of waking its threads.
                var reread = MemoryReread.Measure(run, idle, cancellationToken);
                Rereads.Add(reread);
                output.WriteLine(string.Format(Culture, "  {0,-30} {1:F3} ms back to back, {2:F3} ms after {3:F1} ms asleep ({4:F1}x)",
                    $"memory re-read, {reread.KiB} KiB", reread.WarmMs, reread.IdleMs, reread.PauseMs, reread.IdleMs / reread.WarmMs));

                // One caller echoes each latency input once, each call `pause` after the last answer.
                Task<EmbedMeasurement> EchoOnceEachAsync(string key, string label, TimeSpan pause) =>
                    MeasureAsync(run, key, label, string.Empty, new UnaryCallLoad(1, latencySet, EchoCall(echoTarget), once: true, pause: pause), 0, TimeSpan.Zero,
                        TimeSpan.FromHours(1), [echoTarget], null, cancellationToken, limit: latencySet.Length);
            }

            if (phases.Contains(EmbedPhase.Naive))
            {
                results.Add(await MeasureServedAsync(run, EmbedSummary.Naive, "naive: MaxBatchSize=1", InferenceVariant.Naive, options.Concurrency, options.Duration, inputs, cancellationToken));
            }

            if (phases.Contains(EmbedPhase.Overhead))
            {
                // The echo runs before and after the identity encoder; overhead/echo divides by the
                // mean of the two, so that drift of a shared machine over the run moves both sides alike.
                var echo = await services.EchoAsync(cancellationToken);
                var load = new UnaryCallLoad(options.Concurrency, inputs, EchoCall(echo));
                results.Add(await MeasureAsync(run, EmbedSummary.EchoBefore, "bare gRPC echo, before", string.Empty, load, 0, WarmupFor(echo), options.Duration, [echo], null, cancellationToken));
                results.Add(await MeasureServedAsync(run, EmbedSummary.Overhead, "overhead: identity served", InferenceVariant.Overhead,
                    options.Concurrency, options.Duration, inputs, cancellationToken));
                results.Add(await MeasureAsync(run, EmbedSummary.Echo, "bare gRPC echo", string.Empty, load, 0, WarmupFor(echo), options.Duration, [echo], null, cancellationToken));

                // The floor the tokenizer hop alone sets: the echo, tokenizing each text first
                // through tokenizer-svc with inference-svc's tokenizer client.
                var hopEcho = await services.HopEchoAsync(cancellationToken);
                var tokenizer = await services.TokenizerAsync(cancellationToken);
                results.Add(await MeasureAsync(run, EmbedSummary.HopEcho, "echo through the tokenizer hop", string.Empty,
                    new UnaryCallLoad(options.Concurrency, inputs, EchoCall(hopEcho)), 0, WarmupFor(hopEcho), options.Duration, [hopEcho, tokenizer], null, cancellationToken));
            }

            return results;
        }

        /// <summary>
        /// Embed through both services, one input per request; every answer is checked against the
        /// corpus. With <paramref name="warmupInputs"/> the window is fixed work instead: the warm-up
        /// takes those inputs, <paramref name="beforeWindow"/> runs, then each of <paramref name="inputs"/>
        /// is embedded once, in order.
        /// </summary>
        private async Task<EmbedMeasurement> MeasureServedAsync(
            int run, string key, string label, InferenceVariant variant, int callers, TimeSpan duration, IReadOnlyList<EmbedInput> inputs, CancellationToken cancellationToken,
            IReadOnlyList<EmbedInput>? warmupInputs = null, Func<Task>? beforeWindow = null)
        {
            var inference = await services.InferenceAsync(variant, cancellationToken);
            // An external inference-svc has a tokenizer of its own, which this benchmark may not know.
            var tokenizer = variant == InferenceVariant.Served && options.InferenceAddress is not null ? null : services.Tokenizer;
            var model = services.ModelOf(variant);
            var client = new InferenceService.InferenceServiceClient(inference.Channel);
            async Task<long> Call(EmbedInput input, CancellationToken token)
            {
                var request = new EmbedRequest { Model = model };
                request.Inputs.Add(input.Text);
                var response = await client.EmbedAsync(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: token);
                if (response.Embeddings.Count != 1 || response.Embeddings[0].Values.Count == 0)
                {
                    throw new InvalidOperationException($"{inference.Name} answered one input with {response.Embeddings.Count} embeddings");
                }

                // The in-process runs embed the ids this corpus holds: the service must have seen the same.
                var tokens = response.Usage?.PromptTokens ?? 0;
                return tokens == input.Ids.Length
                    ? tokens
                    : throw new InvalidOperationException($"{inference.Name} counted {tokens} tokens for an input the corpus tokenized to {input.Ids.Length}: \"{input.Text}\"");
            }

            ServiceTarget[] involved = tokenizer is null ? [inference] : [inference, tokenizer];
            var warmup = involved.Select(WarmupFor).Max();
            if (warmupInputs is null)
            {
                return await MeasureAsync(run, key, label, model, new UnaryCallLoad(callers, inputs, Call), 0, warmup, duration, involved, inference.Metrics, cancellationToken);
            }

            await WarmAsync(new UnaryCallLoad(callers, warmupInputs, Call), warmup, cancellationToken);
            if (beforeWindow is not null)
            {
                await beforeWindow();
            }

            return await MeasureAsync(run, key, label, model, new UnaryCallLoad(callers, inputs, Call, once: true),
                0, TimeSpan.Zero, TimeSpan.FromHours(1), involved,
                inference.Metrics, cancellationToken, limit: inputs.Count);
        }

        /// <summary>One echo call for an input: its text out, an embedding's worth of floats back.</summary>
        private static Func<EmbedInput, CancellationToken, Task<long>> EchoCall(ServiceTarget echo)
        {
            var client = new EchoService.EchoServiceClient(echo.Channel);
            return async (input, token) =>
            {
                var response = await client.EchoAsync(new EchoRequest { Text = input.Text, ReplyFloats = IdentityEncoder.DefaultDimensions },
                    deadline: DateTime.UtcNow + CallTimeout, cancellationToken: token);
                return response.Values.Count == IdentityEncoder.DefaultDimensions
                    ? 0
                    : throw new InvalidOperationException($"the echo answered {response.Values.Count} floats for {IdentityEncoder.DefaultDimensions}");
            };
        }

        /// <summary>Runs <paramref name="load"/> for <paramref name="time"/> (and, for a fresh
        /// process, until its JIT has settled) and forgets what it did.</summary>
        private async Task WarmAsync(IEmbedLoad load, TimeSpan time, CancellationToken cancellationToken)
        {
            if (time > TimeSpan.Zero)
            {
                var recorder = new LoadRecorder();
                await LoadDriver.MeasureAsync(recorder, (r, stop, abort) => load.RunAsync(r, new LatencyRecorder(r, load.Callers), stop, abort), time, TimeSpan.Zero, cancellationToken,
                    opening: () => SettleAsync(cancellationToken));
            }
        }

        /// <summary>The warm-up of a window on <paramref name="target"/>: longer for a process's first
        /// window, which then also waits, under the same load, for the process's JIT to settle.</summary>
        private TimeSpan WarmupFor(ServiceTarget target)
        {
            if (!services.NeedsWarmup(target))
            {
                return options.Warmup;
            }

            _settling.Add(target);
            return options.Warmup + options.ServiceWarmup;
        }

        /// <summary>
        /// Called when a window's fixed warm-up is over, with its load still running: for each process
        /// in its first window, waits until its tiered-compilation threads used less than
        /// <see cref="SettledCompilerShare"/> of a core over <see cref="SettleInterval"/> (a fresh
        /// service still compiles hot methods again with full optimisation well after its fixed
        /// warm-up, and that CPU would count against it), at most <see cref="EmbedBenchOptions.SettleLimit"/>.
        /// </summary>
        private async Task SettleAsync(CancellationToken cancellationToken)
        {
            var targets = _settling.ToArray();
            _settling.Clear();
            if (targets.Length == 0 || options.SettleLimit <= TimeSpan.Zero)
            {
                return;
            }

            var clock = Stopwatch.StartNew();
            var before = targets.Select(t => ProcessStat.CompilerTicks(t.Process!.Id)).ToArray();
            var settled = false;
            while (!settled && clock.Elapsed < options.SettleLimit)
            {
                await Task.Delay(SettleInterval, cancellationToken);
                var now = targets.Select(t => ProcessStat.CompilerTicks(t.Process!.Id)).ToArray();
                settled = now.Zip(before, (n, b) => ProcessStat.TicksSince(b, n) / SettleInterval.TotalSeconds < SettledCompilerShare).All(s => s);
                before = now;
            }

            _settleNote = string.Format(Culture, "  (JIT of {0} {1} after {2:F0} s more warm-up)",
                string.Join(", ", targets.Select(t => t.Name)), settled ? "settled" : "still busy", clock.Elapsed.TotalSeconds);
        }

        /// <summary>
        /// Measures one window of <paramref name="load"/>, with CPU snapshots of this process, the
        /// services and the machine, and inference-svc's metrics, taken at the window's edges.
        /// </summary>
        private async Task<EmbedMeasurement> MeasureAsync(
            int run, string key, string label, string model, IEmbedLoad load, int batchSize, TimeSpan warmup, TimeSpan duration,
            ServiceTarget[] involved, Uri? metrics, CancellationToken cancellationToken, long? limit = null)
        {
            // A fixed-work window (limit) ends when its load runs out; others at --count or after their duration.
            var count = limit ?? options.Count;
            var recorder = new LoadRecorder(limit is null ? options.Count : null);
            var latencies = new LatencyRecorder(recorder, load.Callers);
            var processes = services.Started.Select(s => (s.Name, s.Process!.Id)).ToArray();
            var cpuBefore = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            var cpuAfter = new Dictionary<string, (TimeSpan Cpu, int Threads)>(StringComparer.Ordinal);
            var machineBefore = TimeSpan.Zero;
            var machineAfter = TimeSpan.Zero;
            MetricsSnapshot? metricsBefore = null;
            MetricsSnapshot? metricsAfter = null;

            // Start every window from a compacted heap, not with the previous window's garbage.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();

            // A window with no model is an echo's: it counts replies.
            var unit = model.Length == 0 ? "replies" : "emb";
            LoadResult result;
            await using (ProgressLine.Start(output, $"run {run} {label}", unit, recorder, latencies, duration, count, live))
            {
                result = await LoadDriver.MeasureAsync(
                    recorder,
                    (r, stop, abort) => load.RunAsync(r, latencies, stop, abort),
                    warmup,
                    count is null ? duration : TimeSpan.FromHours(1),
                    cancellationToken,
                    opening: async () =>
                    {
                        await SettleAsync(cancellationToken);
                        metricsBefore = await ScrapeAsync(metrics, cancellationToken);
                        foreach (var (name, pid) in processes)
                        {
                            cpuBefore[name] = ProcessStat.Read(pid).Cpu;
                        }

                        machineBefore = ProcessStat.MachineBusy();
                    },
                    closed: async () =>
                    {
                        machineAfter = ProcessStat.MachineBusy();
                        foreach (var (name, pid) in processes)
                        {
                            cpuAfter[name] = ProcessStat.Read(pid);
                        }

                        metricsAfter = await ScrapeAsync(metrics, cancellationToken);
                    });
            }

            // A service that died in the window makes its CPU figures and the window meaningless.
            foreach (var target in involved)
            {
                target.Process?.ThrowIfExited();
            }

            var seconds = Math.Max(result.Seconds, 1e-9);
            double Cores(string name) => (cpuAfter[name].Cpu - cpuBefore[name]).TotalSeconds / seconds;
            var serviceCores = involved.Where(t => t.Process is not null).ToDictionary(t => t.Name, t => Cores(t.Name), StringComparer.Ordinal);
            var threads = involved.Where(t => t.Process is not null).ToDictionary(t => t.Name, t => cpuAfter[t.Name].Threads, StringComparer.Ordinal);
            var allServices = processes.Sum(p => Cores(p.Name));
            var machine = (machineAfter - machineBefore).TotalSeconds / seconds;
            var (p50, p95, p99, mean) = latencies.Percentiles();
            var cpuSeconds = result.CpuSeconds + serviceCores.Values.Sum() * seconds;
            var measurement = new EmbedMeasurement(
                run, key, label, model, load.Callers, batchSize, result.Texts, result.Tokens, result.Seconds, result.TextsPerSecond, result.TokensPerSecond,
                p50, p95, p99, mean,
                metricsBefore is not null && metricsAfter is not null ? MetricsSnapshot.Delta(metricsBefore, metricsAfter) : null,
                latencies.Errors,
                result.CpuCores,
                serviceCores,
                threads,
                Math.Max(0, machine - result.CpuCores - allServices),
                cpuSeconds > 0 ? result.Texts / cpuSeconds : 0,
                result.GcPauseSeconds / seconds,
                result.PoolRanOut && limit is null);
            // A settling note belongs to the window of the processes that settled, not to an
            // in-process window measured between their warm-up and their window (the latency phase).
            string? note = null;
            if (involved.Length > 0)
            {
                (note, _settleNote) = (_settleNote, null);
            }

            WriteMeasurement(measurement, unit, note);
            return measurement;
        }

        private static async Task<MetricsSnapshot?> ScrapeAsync(Uri? address, CancellationToken cancellationToken)
        {
            if (address is null)
            {
                return null;
            }

            try
            {
                return await MetricsSnapshot.ScrapeAsync(address, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        private void WriteMeasurement(EmbedMeasurement m, string unit, string? note)
        {
            var service = m.Service is { } s
                ? string.Format(Culture, "  batch {0} queue {1} ms exec {2} ms hop {3} ms ({4} texts/msg)", Format(s.MeanBatchSize, "F1"), Format(s.MeanQueueMs, "F2"), Format(s.MeanExecutionMs, "F2"), Format(s.MeanTokenizerHopMs, "F2"), Format(s.TextsPerHopMessage, "F1"))
                : string.Empty;
            var cpu = string.Join(" ", new[] { ("bench", m.BenchCpuCores) }.Concat(m.ServiceCpuCores.Select(kv => (kv.Key, kv.Value))).Append(("other", m.OtherCpuCores))
                .Select(c => string.Format(Culture, "{0} {1:F2}", c.Item1, c.Item2)));
            var errors = m.Errors.Count > 0 ? "  FAILED " + string.Join(" ", m.Errors.Select(kv => $"{kv.Key} {kv.Value}")) : string.Empty;
            output.WriteLine(string.Format(Culture, "  {0,-30} {1,9:N1} {2}/s  p50 {3,7:F2}  p95 {4,7:F2}  p99 {5,7:F2} ms{6}  cpu {7}{8}{9}{10}",
                m.Label, m.ItemsPerSecond, unit, m.P50Ms, m.P95Ms, m.P99Ms, service, cpu, errors, m.CountReached ? "  (count reached)" : string.Empty, note));
        }

        private static string Format(double? value, string format) => value is { } v ? v.ToString(format, Culture) : "-";
    }
}
