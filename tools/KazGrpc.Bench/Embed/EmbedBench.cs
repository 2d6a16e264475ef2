using KazGrpc.Batching;
using KazGrpc.Bench.Core;
using KazGrpc.Bench.Echo.V1;
using KazGrpc.Bench.Text;
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
/// in-process, naive serving, the overhead of serving a near-free model against echo servers, and
/// latency at one caller; medians over runs and DESIGN.md's targets with their verdicts.
/// </summary>
internal sealed class EmbedBench
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // The bounds of an input's length in tokens, framing included.
    private const int MinTokens = 8;
    private const int MaxTokens = 128;

    private readonly EmbedSettings _settings;
    private readonly EmbedServices _services;
    private readonly EncoderModel? _encoder;
    private readonly int _executions;

    private EmbedBench(EmbedSettings settings, EmbedServices services, EncoderModel? encoder, int executions)
    {
        (_settings, _services, _encoder, _executions) = (settings, services, encoder, executions);
    }

    /// <summary>Warm-up of an in-process window: the model has no serving path to JIT-compile.</summary>
    private TimeSpan InProcessWarmup => TimeSpan.FromTicks(Math.Min(_settings.Warmup.Ticks / 2, TimeSpan.TicksPerSecond));

    public static async Task RunAsync(EmbedSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        using var workspace = ModelWorkspace.Create(settings.ModelsDirectory, settings.Model, identityEncoder: true);
        using var tokenizer = new InProcessTokenizer(new TokenizationOptions { ModelsDirectory = workspace.ModelsDirectory, Builtins = [] }, workspace.Tokenizer, cancellationToken);

        // The in-process runs take the started inference-svc's settings: its defaults, then --inference-config.
        var configuration = new ConfigurationBuilder().AddCommandLine([.. settings.InferenceConfig]).Build();
        var onnx = new OnnxRuntimeOptions { ExecutionProvider = settings.ExecutionProvider };
        configuration.GetSection(OnnxRuntimeOptions.SectionName).Bind(onnx);
        onnx.Validate();
        var batching = new DynamicBatcherOptions();
        configuration.GetSection(DynamicBatcherOptions.SectionName).Bind(batching);
        using var encoder = settings.Phases.Contains(EmbedPhase.Inproc) || settings.Phases.Contains(EmbedPhase.Latency)
            ? EncoderModel.Load(workspace.ModelDirectory, EmbeddingModelConfig.Read(workspace.ModelDirectory), new SessionFactory(Options.Create(onnx), NullLogger<SessionFactory>.Instance))
            : null;
        await using var envelope = await Envelope.StartAsync(settings.Envelope, cancellationToken);
        await using var services = new EmbedServices(settings, workspace, envelope);
        var runtime = RuntimeInfo.Current(services.ServiceEnvironment);

        Report.Line($"bench embed: {settings.Model} (tokenizer {workspace.Tokenizer}), {settings.Runs} run(s), {settings.Concurrency} callers, windows of "
            + $"{settings.Duration.TotalSeconds} s after {settings.Warmup.TotalSeconds} s warm-up (+{settings.ServiceWarmup.TotalSeconds} s on a fresh process), "
            + $"{settings.LatencyInputs} inputs at 1 caller; phases {string.Join(',', settings.Phases).ToLowerInvariant()}");
        Report.Line(runtime.ToString());
        Report.Line(envelope.ToString());
        if (encoder is not null)
        {
            Report.Line($"in-process: {settings.Model} on {encoder.Provider}, {batching.ConcurrentExecutions} executions at once (as the batcher runs them), "
                + $"intra-op threads {onnx.IntraOpThreads}, batch sizes {string.Join(',', settings.BatchSizes)} on {settings.SweepTexts} inputs each");
        }

        if (settings.InferenceConfig.Count > 0)
        {
            Report.Line("inference-svc configuration: " + string.Join(' ', settings.InferenceConfig));
        }

        var bench = new EmbedBench(settings, services, encoder, batching.ConcurrentExecutions);
        var windows = new List<Window>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            var inputs = await TokenizedCorpus.GenerateAsync(tokenizer.Service, workspace.Tokenizer, settings.Texts, MinTokens, MaxTokens, Seeds.Mix(settings.Seed, (ulong)run), cancellationToken);
            if (run == 1)
            {
                Report.Line($"corpus: {inputs.Length:N0} inputs of kk, ru and en, {inputs.Min(i => i.Ids.Length)}-{inputs.Max(i => i.Ids.Length)} tokens "
                    + $"(mean {inputs.Average(i => i.Ids.Length):F1}), a new corpus each run; e.g. \"{inputs[0].Text}\"");
            }

            Report.Line();
            windows.AddRange(await bench.RunOnceAsync(run, inputs, cancellationToken));
        }

        var medians = Window.Medians(windows);
        var targets = EmbedTargets.Evaluate(windows);
        Report.Line();
        Report.Table(medians, settings.Runs, Columns(medians),
            "emb/s: embeddings (echo: replies) per second. p50, p99: latency of a call (in-process: of a batch). batch, hop: inference-svc's mean\n"
            + "batch size and tokenizer round trip over the window. cpu: cores busy in this process / the services involved / anything else.\n"
            + "* = the in-process ceiling (the best batch size).");
        Report.Line();
        Report.Targets(targets);
        if (settings.Envelope.Tracing)
        {
            Report.Line(envelope.ToString());
        }

        await Report.WriteJsonAsync(settings.Out, new BenchResult<EmbedSettings>(Report.CommandLine(), started,
            (DateTimeOffset.UtcNow - started).TotalSeconds, runtime, settings, medians, targets, windows), BenchJsonContext.Default.BenchResultEmbedSettings, cancellationToken);
    }

    private static Report.Column[] Columns(IReadOnlyList<Window> medians)
    {
        var ceiling = medians.Where(w => w.Key.Kind == WindowKind.InProcess).MaxBy(w => w.ItemsPerSecond);
        return
        [
            new("measurement", w => w.Label + (ReferenceEquals(w, ceiling) ? " *" : string.Empty), Left: true),
            new("callers", w => $"{w.Callers}"),
            new("emb/s", w => $"{w.ItemsPerSecond:N1}"),
            new("tokens/s", w => $"{w.TokensPerSecond:N0}"),
            new("p50 ms", w => $"{w.P50Ms:F2}"),
            new("p99 ms", w => $"{w.P99Ms:F2}"),
            new("batch", w => w.MeanBatch is { } batch ? $"{batch:F1}" : "-"),
            new("hop ms", w => w.HopMs is { } hop ? $"{hop:F2}" : "-"),
            new("cpu bench/svc/oth", w => $"{w.BenchCores:F2}/{w.ServiceCores:F2}/{w.OtherCores:F2}"),
            new("failed", w => $"{w.Failed}"),
        ];
    }

    /// <summary>The first <paramref name="count"/> inputs for fixed work, and the rest for its warm-up.</summary>
    private static (CorpusText[] Set, CorpusText[] Others) Carve(CorpusText[] inputs, int count) =>
        (inputs[..Math.Min(count, inputs.Length)], count < inputs.Length ? inputs[count..] : inputs);

    /// <summary>Batches of <paramref name="size"/>: single inputs in corpus order, or larger batches sorted by
    /// length (as little padding as the inputs allow), longest first so that the executions stay busy to the end.</summary>
    private static CorpusText[][] Batches(CorpusText[] inputs, int size) =>
        size == 1 ? [.. inputs.Select(i => new[] { i })] : [.. inputs.OrderByDescending(i => i.Ids.Length).Chunk(size)];

    private async Task<List<Window>> RunOnceAsync(int run, CorpusText[] inputs, CancellationToken cancellationToken)
    {
        var windows = new List<Window>();
        async Task Add(Task<Window> measuring)
        {
            windows.Add(await measuring);
            Report.Line(windows[^1]);
        }

        var phases = _settings.Phases;
        if (_encoder is not null && phases.Contains(EmbedPhase.Inproc))
        {
            foreach (var size in _settings.BatchSizes)
            {
                await Add(InProcessAsync(run, new WindowKey(WindowKind.InProcess, size), $"in-process batch {size}", size, _executions, Carve(inputs, _settings.SweepTexts), cancellationToken));
            }
        }

        if (phases.Contains(EmbedPhase.Served))
        {
            await Add(ThroughAsync(run, WindowKind.Served, $"served ({_settings.Model})", inputs, null, cancellationToken));
        }

        if (phases.Contains(EmbedPhase.Latency))
        {
            // One caller, the same inputs once each in the same order on every side: p50s of different
            // samples of a corpus of mixed lengths differ by more than the serving cost. The served and
            // in-process windows are adjacent, so the machine has little time to drift between them.
            var latency = Carve(inputs, _settings.LatencyInputs);
            await Add(ThroughAsync(run, WindowKind.ServedOneCaller, "served, 1 caller", inputs, latency, cancellationToken));
            if (_encoder is not null)
            {
                await Add(InProcessAsync(run, new WindowKey(WindowKind.InProcessOneCaller), "in-process batch 1, 1 caller", 1, 1, latency, cancellationToken));
            }

            await Add(ThroughAsync(run, WindowKind.HopEchoOneCaller, "hop echo, 1 caller", inputs, latency, cancellationToken));
        }

        if (phases.Contains(EmbedPhase.Naive))
        {
            await Add(ThroughAsync(run, WindowKind.Naive, "naive: MaxBatchSize=1", inputs, null, cancellationToken));
        }

        if (phases.Contains(EmbedPhase.Overhead))
        {
            // The identity encoder between the two echoes, right before the hop echo it is judged against.
            await Add(ThroughAsync(run, WindowKind.Echo, "bare echo", inputs, null, cancellationToken));
            await Add(ThroughAsync(run, WindowKind.Identity, "overhead: identity served", inputs, null, cancellationToken));
            await Add(ThroughAsync(run, WindowKind.HopEcho, "hop echo", inputs, null, cancellationToken));
        }

        return windows;
    }

    /// <summary>The model in this process: each batch of <paramref name="inputs"/>' set once, after a warm-up on the others.</summary>
    private async Task<Window> InProcessAsync(
        int run, WindowKey key, string label, int batch, int callers, (CorpusText[] Set, CorpusText[] Others) inputs, CancellationToken cancellationToken)
    {
        await LoadLoop.WarmAsync(Batches(inputs.Others, batch), callers, EmbedInProcess, InProcessWarmup, cancellationToken);
        return await LoadLoop.MeasureAsync(new WindowSpec(run, key, label, "emb", callers, TimeSpan.Zero, null, Once: true),
            Batches(inputs.Set, batch), EmbedInProcess, WindowProbe.None, cancellationToken);
    }

    /// <summary>
    /// A window through a started server, one input per call: at <c>--concurrency</c> callers for
    /// <c>--duration</c> over the whole corpus, or, given <paramref name="oneCaller"/>, one caller on
    /// each input of its set once, after a warm-up on the others.
    /// </summary>
    private async Task<Window> ThroughAsync(
        int run, WindowKind kind, string label, CorpusText[] inputs, (CorpusText[] Set, CorpusText[] Others)? oneCaller, CancellationToken cancellationToken)
    {
        var echo = kind is WindowKind.Echo or WindowKind.HopEcho or WindowKind.HopEchoOneCaller;
        var serves = kind == WindowKind.ServedOneCaller ? WindowKind.Served : kind;
        var server = echo ? await _services.EchoAsync(kind != WindowKind.Echo, cancellationToken) : await _services.InferenceAsync(serves, cancellationToken);
        RunningService[] involved = kind == WindowKind.Echo ? [server] : [server, await _services.TokenizerAsync(cancellationToken)];
        var call = echo ? EchoCall(server) : EmbedCall(server, _services.ModelOf(serves));
        var warmup = _services.WarmupFor(involved);
        var probe = new WindowProbe([.. involved.Select(s => s.Process)], server.Metrics);
        var unit = echo ? "replies" : "emb";
        if (oneCaller is not { } latency)
        {
            return await LoadLoop.MeasureAsync(new WindowSpec(run, new WindowKey(kind), label, unit, _settings.Concurrency, warmup, _settings.Duration, Once: false),
                inputs, call, probe, cancellationToken);
        }

        await LoadLoop.WarmAsync(latency.Others, 1, call, warmup, cancellationToken);
        return await LoadLoop.MeasureAsync(new WindowSpec(run, new WindowKey(kind), label, unit, 1, TimeSpan.Zero, null, Once: true), latency.Set, call, probe, cancellationToken);
    }

    private ValueTask<Work> EmbedInProcess(CorpusText[] batch, CancellationToken cancellationToken)
    {
        foreach (var vector in _encoder!.Embed([.. batch.Select(i => i.Ids)], cancellationToken))
        {
            // L2 normalisation, as the service does before it answers.
            var length = MathF.Sqrt(vector.Sum(v => v * v));
            for (var i = 0; i < vector.Length && length > 0; i++)
            {
                vector[i] /= length;
            }
        }

        return ValueTask.FromResult(new Work(batch.Length, batch.Sum(i => (long)i.Bytes), batch.Sum(i => (long)i.Ids.Length)));
    }

    /// <summary>Embed of one input; the answer must count the tokens the corpus holds, so that the in-process runs embed what the service embeds.</summary>
    private static Func<CorpusText, CancellationToken, ValueTask<Work>> EmbedCall(RunningService inference, string model)
    {
        var client = new InferenceService.InferenceServiceClient(inference.Invoker);
        return async (input, cancellationToken) =>
        {
            var response = await client.EmbedAsync(new EmbedRequest { Model = model, Inputs = { input.Text } }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
            var tokens = response.Usage?.PromptTokens ?? 0;
            return response.Embeddings.Count == 1 && tokens == input.Ids.Length
                ? new Work(1, input.Bytes, tokens)
                : throw new InvalidOperationException($"{inference.Name} answered \"{input.Text}\" with {response.Embeddings.Count} embedding(s) of {tokens} tokens; the corpus has {input.Ids.Length}");
        };
    }

    /// <summary>An echo of one input: its text out, an embedding's worth of floats back.</summary>
    private static Func<CorpusText, CancellationToken, ValueTask<Work>> EchoCall(RunningService echo)
    {
        var client = new EchoService.EchoServiceClient(echo.Invoker);
        return async (input, cancellationToken) =>
        {
            var response = await client.EchoAsync(new EchoRequest { Text = input.Text, ReplyFloats = IdentityEncoder.DefaultDimensions }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
            return response.Values.Count == IdentityEncoder.DefaultDimensions
                ? new Work(1, input.Bytes, input.Ids.Length)
                : throw new InvalidOperationException($"{echo.Name} answered {response.Values.Count} floats for {IdentityEncoder.DefaultDimensions}");
        };
    }
}
