using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Bench.Core;
using KazGrpc.Bench.Text;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;
using KazGrpc.Models;
using KazGrpc.Tokenization;

namespace KazGrpc.Bench.Generate;

/// <summary>
/// <c>bench generate</c>: the same requests on the generation engine in this process, through
/// tokenizer-svc and inference-svc started as processes, and on onnxruntime-genai's static
/// <c>Generator</c>, at each concurrency level; then a long prompt arriving while streams decode;
/// medians over runs and DESIGN.md's targets with their verdicts.
/// </summary>
internal sealed class GenerateBench : IAsyncDisposable
{
    /// <summary>The model bench generate forges when it is absent: the forge's <c>bench</c> decoder.</summary>
    public const string DefaultModel = "kaz-bench";

    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);

    // Ids of the model's vocabulary that its tokenizer lacks (o200k leaves 199998 and 200000-200017
    // unassigned) are banned on every side but genai: the forge now masks them in the graph, but a model
    // forged before that, or another model with such holes, would fail requests that chose one.
    private const float BannedBias = -100;

    private readonly GenerateSettings _settings;
    private readonly ServiceSet _services;
    private readonly ModelWorkspace _workspace;
    private readonly int _intraOpThreads;
    private readonly Dictionary<int, float> _banned;
    private InProcessGeneration? _inProcess;
    private GenAiProcess? _genai;
    private bool _inProcessMeasured;

    private GenerateBench(GenerateSettings settings, ServiceSet services, ModelWorkspace workspace, int intraOpThreads, IEnumerable<int> banned)
    {
        (_settings, _services, _workspace, _intraOpThreads) = (settings, services, workspace, intraOpThreads);
        _banned = banned.ToDictionary(id => id, _ => BannedBias);
    }

    public static async Task RunAsync(GenerateSettings settings, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var directory = Path.GetFullPath(Path.Combine(settings.ModelsDirectory, settings.Model));
        if (!File.Exists(Path.Combine(directory, GenAiConfig.FileName)))
        {
            if (settings.Model != DefaultModel)
            {
                throw new InvalidOperationException($"{directory} has no {GenAiConfig.FileName}; bench generate forges only its own model, {DefaultModel}");
            }

            Report.Line($"forging the bench decoder (4 layers, hidden 256, o200k vocabulary, fp32, about 400 MB) into {directory}, once");
            LlamaDecoder.Write(directory, new DecoderForgeOptions { Size = DecoderSize.Bench });
        }

        var config = GenAiConfig.Read(directory);
        using var workspace = ModelWorkspace.Create(settings.ModelsDirectory, settings.Model, identityEncoder: false);
        using var tokenizer = new InProcessTokenizer(
            new TokenizationOptions { ModelsDirectory = workspace.ModelsDirectory, Builtins = TiktokenLoader.BuiltinNames.Contains(workspace.Tokenizer) ? [workspace.Tokenizer] : [] },
            workspace.Tokenizer, cancellationToken);
        await using var envelope = await Envelope.StartAsync(settings.Envelope, cancellationToken);
        await using var services = new ServiceSet(settings.ServiceEnvironment, settings.Warmup, settings.ServiceWarmup, envelope);
        var runtime = RuntimeInfo.Current(services.ServiceEnvironment);
        var threads = InferenceConfig.Bind(settings.InferenceConfig, OnnxRuntimeOptions.SectionName, new OnnxRuntimeOptions()).DecoderIntraOpThreads;
        var known = tokenizer.Service.GetTokenizer(workspace.Tokenizer).Bytes;
        int[] banned = [.. Enumerable.Range(0, config.VocabSize).Where(id => !known.Contains(id))];
        await using var bench = new GenerateBench(settings, services, workspace, threads, banned);

        Report.Line($"bench generate: {settings.Model} (tokenizer {workspace.Tokenizer}), {settings.Runs} run(s), streams {string.Join(',', settings.Concurrency)}, "
            + $"windows of {settings.Duration.TotalSeconds} s after {settings.Warmup.TotalSeconds} s warm-up (+{settings.ServiceWarmup.TotalSeconds} s on a fresh process); "
            + $"phases {string.Join(',', settings.Phases).ToLowerInvariant()}");
        Report.Line(runtime.ToString());
        Report.Line(envelope.ToString());
        Report.Line($"requests: {(settings.TextPrompts ? "text" : "token_ids")} prompts of {settings.PromptTokens} tokens (log-uniform), {settings.NewTokens} new tokens (uniform), "
            + $"end-of-sequence ignored, {(settings.Temperature > 0 ? $"sampled at temperature {settings.Temperature} with a seed per request" : "greedy")}; "
            + $"long prompt: {settings.LongPromptStreams} streams decoding, then {settings.LongPrompts} prompts of {settings.LongPromptTokens:N0} tokens one after another");
        if (banned.Length > 0)
        {
            Report.Line($"banned (logit bias {BannedBias}, in-process and served): the {banned.Length} ids of the model that {workspace.Tokenizer} lacks, "
                + $"{banned.Min()}-{banned.Max()}; genai is not asked to");
        }

        if (settings.InferenceConfig.Count > 0)
        {
            Report.Line("inference-svc and in-process configuration: " + string.Join(' ', settings.InferenceConfig));
        }

        var windows = new List<Window>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            var workload = await GenerateWorkload.CreateAsync(tokenizer.Service, workspace.Tokenizer, settings, run, config.ContextLength, cancellationToken);
            if (run == 1)
            {
                var requests = workload.Requests;
                Report.Line($"corpus: {requests.Length:N0} requests of kk, ru and en, prompts of {requests.Min(r => r.Prompt.Ids.Length)}-{requests.Max(r => r.Prompt.Ids.Length)} "
                    + $"tokens (mean {requests.Average(r => r.Prompt.Ids.Length):F1}), {requests.Average(r => r.MaxNewTokens):F1} new tokens on average, a new corpus each run; "
                    + $"e.g. \"{requests[0].Prompt.Text[..Math.Min(80, requests[0].Prompt.Text.Length)]}...\"");
            }

            Report.Line();
            windows.AddRange(await bench.RunOnceAsync(run, workload, cancellationToken));
        }

        var medians = Window.Medians(windows);
        var targets = GenerateTargets.Evaluate(windows);
        Report.Line();
        Report.Table(medians, settings.Runs, Columns,
            "streams: concurrent requests (genai: its batch size). tokens/s: generated tokens that arrived in the window, all streams together.\n"
            + "TTFT: from sending a request to its first token. ITL: per stream, between consecutive chunks that carry tokens (long prompt: the gaps\n"
            + "of the running streams that overlap a long prompt's prefill, and its own TTFT). step: the running streams' median ITL before it arrived.\n"
            + "cpu: cores busy in this process / the services (genai: its process) / anything else.");
        Report.Line();
        Report.Targets(targets);
        if (settings.Envelope.Tracing)
        {
            Report.Line(envelope.ToString());
        }

        await Report.WriteJsonAsync(settings.Out, new BenchResult<GenerateSettings>(Report.CommandLine(), started,
            (DateTimeOffset.UtcNow - started).TotalSeconds, runtime, settings, medians, targets, windows), BenchJsonContext.Default.BenchResultGenerateSettings, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_inProcess is not null)
        {
            await _inProcess.DisposeAsync();
        }

        if (_genai is not null)
        {
            await _genai.DisposeAsync();
        }
    }

    private static Report.Column[] Columns =>
    [
        new("measurement", w => w.Label, Left: true),
        new("streams", w => $"{w.Key.Batch}"),
        new("tokens/s", w => $"{w.TokensPerSecond:N1}"),
        new("TTFT p50", w => Ms(w.Streams?.TtftP50Ms)),
        new("p90", w => Ms(w.Streams?.TtftP90Ms)),
        new("p99", w => Ms(w.Streams?.TtftP99Ms)),
        new("ITL p50", w => Ms(w.Streams?.ItlP50Ms)),
        new("p90", w => Ms(w.Streams?.ItlP90Ms)),
        new("p99", w => Ms(w.Streams?.ItlP99Ms)),
        new("step", w => Ms(w.Streams?.StepMs)),
        new("cpu bench/svc/oth", w => $"{w.BenchCores:F2}/{w.ServiceCores:F2}/{w.OtherCores:F2}"),
        new("failed", w => $"{w.Failed}"),
    ];

    private static string Ms(double? value) => value is { } ms ? $"{ms:F1}" : "-";

    private static Func<GenerateInput, StreamLog, CancellationToken, ValueTask<Work>> Streamed(Func<GenerateInput, StreamTimeline, CancellationToken, Task<int>> stream) =>
        async (input, log, cancellationToken) => new Work(1, 0, await stream(input, log.Begin(), cancellationToken));

    private async Task<List<Window>> RunOnceAsync(int run, GenerateWorkload workload, CancellationToken cancellationToken)
    {
        var windows = new List<Window>();
        async Task Add(Task<Window> measuring)
        {
            windows.Add(await measuring);
            Report.Line(windows[^1]);
        }

        var phases = _settings.Phases;
        foreach (var streams in _settings.Concurrency)
        {
            // The in-process and served windows of a level are adjacent: their ratio is a target.
            if (phases.Contains(GeneratePhase.Inproc))
            {
                await Add(InProcessWindowAsync(run, streams, workload, cancellationToken));
            }

            if (phases.Contains(GeneratePhase.Served))
            {
                await Add(ServedWindowAsync(run, streams, workload, cancellationToken));
            }

            if (phases.Contains(GeneratePhase.Genai))
            {
                await Add(GenAiWindowAsync(run, streams, workload, cancellationToken));
            }
        }

        if (phases.Contains(GeneratePhase.Long))
        {
            var streams = _settings.LongPromptStreams + 1;
            await Add(LongPromptScenario.MeasureAsync(run, new WindowKey(WindowKind.LongPromptInProcess, streams), "long prompt, in-process", workload,
                InProcessStream(), WindowProbe.None, cancellationToken));
            var (inference, tokenizer) = await ServedAsync(cancellationToken);
            await Add(LongPromptScenario.MeasureAsync(run, new WindowKey(WindowKind.LongPromptServed, streams), "long prompt, served", workload,
                ServedStream(inference), new WindowProbe([inference.Process, tokenizer.Process], inference.Metrics), cancellationToken));
        }

        return windows;
    }

    /// <summary>A closed loop of <paramref name="streams"/> callers on the engine in this process.</summary>
    private Task<Window> InProcessWindowAsync(int run, int streams, GenerateWorkload workload, CancellationToken cancellationToken)
    {
        var stream = InProcessStream();
        var warmup = _inProcessMeasured ? _settings.Warmup : _settings.Warmup + _settings.ServiceWarmup;
        _inProcessMeasured = true;
        return LoadLoop.MeasureAsync(
            new WindowSpec(run, new WindowKey(WindowKind.GenerateInProcess, streams), $"in-process x{streams}", "req", streams, warmup, _settings.Duration, Once: false),
            workload.Requests, Streamed(stream), WindowProbe.None, cancellationToken);
    }

    /// <summary>A closed loop of <paramref name="streams"/> callers streaming Generate over one channel.</summary>
    private async Task<Window> ServedWindowAsync(int run, int streams, GenerateWorkload workload, CancellationToken cancellationToken)
    {
        var (inference, tokenizer) = await ServedAsync(cancellationToken);
        return await LoadLoop.MeasureAsync(
            new WindowSpec(run, new WindowKey(WindowKind.GenerateServed, streams), $"served x{streams}", "req", streams, _services.WarmupFor(inference, tokenizer),
                _settings.Duration, Once: false),
            workload.Requests, Streamed(ServedStream(inference)), new WindowProbe([inference.Process, tokenizer.Process], inference.Metrics), cancellationToken);
    }

    /// <summary>
    /// Static batches of <paramref name="batch"/> requests, in order, on onnxruntime-genai's Generator,
    /// each batch once: a batch takes as long as its longest output, so a window of whole batches, as
    /// many as fill <c>--duration</c> (at least two), after one batch of warm-up that times them.
    /// Every row generates the batch's longest output and every token it generates counts.
    /// </summary>
    private async Task<Window> GenAiWindowAsync(int run, int batch, GenerateWorkload workload, CancellationToken cancellationToken)
    {
        _genai ??= await GenAiProcess.StartAsync(_workspace.ModelDirectory, _intraOpThreads, _services.RuntimeEnvironment, cancellationToken);
        var genai = _genai;
        var batches = workload.Requests.Chunk(batch).Where(b => b.Length == batch).ToArray();
        if (batches.Length < 3)
        {
            throw new InvalidOperationException($"--requests {workload.Requests.Length} makes {batches.Length} whole batches of {batch}; genai needs 3 (one to warm up)");
        }

        async ValueTask<Work> Call(GenerateInput[] rows, StreamLog log, CancellationToken token)
        {
            var result = await genai.RunAsync([.. rows.Select(r => r.Prompt.Ids)], rows.Max(r => r.MaxNewTokens), token);
            foreach (var _ in rows)
            {
                var stream = log.Begin(result.Started);
                foreach (var step in result.Steps)
                {
                    stream.Chunk(step, 1);
                }
            }

            return new Work(rows.Length, 0, (long)rows.Length * result.Steps.Length);
        }

        var warm = Stopwatch.GetTimestamp();
        await Call(batches[^1], new StreamLog(), cancellationToken);
        var count = Math.Clamp((int)Math.Ceiling(_settings.Duration / Stopwatch.GetElapsedTime(warm)), 2, batches.Length - 1);
        return await LoadLoop.MeasureAsync(
            new WindowSpec(run, new WindowKey(WindowKind.GenerateGenAi, batch), $"genai batch {batch}", "req", 1, TimeSpan.Zero, null, Once: true),
            batches[..count], Call, new WindowProbe([genai.Process], null), cancellationToken);
    }

    private Func<GenerateInput, StreamTimeline, CancellationToken, Task<int>> InProcessStream()
    {
        _inProcess ??= LoadInProcess();
        var engine = _inProcess;
        return (input, timeline, cancellationToken) => engine.StreamAsync(input, _settings.Temperature, _banned, timeline, cancellationToken);
    }

    private InProcessGeneration LoadInProcess()
    {
        var engine = InProcessGeneration.Load(_workspace.ModelDirectory, _workspace.Model, _settings.ExecutionProvider, _settings.InferenceConfig);
        Report.Line(engine.Description);
        return engine;
    }

    private async Task<(RunningService Inference, RunningService Tokenizer)> ServedAsync(CancellationToken cancellationToken)
    {
        var tokenizer = await _services.TokenizerAsync(_workspace.ModelsDirectory, _workspace.Tokenizer, cancellationToken);
        var inference = await _services.InferenceAsync("inference-svc", tokenizer, _workspace.ModelsDirectory, _workspace.Model,
            [$"--OnnxRuntime:ExecutionProvider={_settings.ExecutionProvider}", .. _settings.InferenceConfig], cancellationToken);
        return (inference, tokenizer);
    }

    /// <summary>One Generate stream: each response chunk that carries token ids is a chunk of the timeline; the final message must
    /// say the request ran to its length, with as many tokens as the chunks carried.</summary>
    private Func<GenerateInput, StreamTimeline, CancellationToken, Task<int>> ServedStream(RunningService inference)
    {
        var client = new InferenceService.InferenceServiceClient(inference.Invoker);
        var banned = _banned.ToDictionary(b => (uint)b.Key, b => b.Value);
        return async (input, timeline, cancellationToken) =>
        {
            var request = new GenerateRequest
            {
                Model = _workspace.Model,
                Parameters = new GenerationParameters { MaxNewTokens = (uint)input.MaxNewTokens, Temperature = _settings.Temperature, IgnoreEos = true },
            };
            if (_settings.Temperature > 0)
            {
                request.Parameters.Seed = input.Seed;
            }

            request.Parameters.LogitBias.Add(banned);

            if (_settings.TextPrompts)
            {
                request.Prompt = input.Prompt.Text;
            }
            else
            {
                request.TokenIds.AddRange(input.Prompt.Ids.Select(id => (uint)id));
            }

            using var call = client.Generate(request, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);
            var tokens = 0;
            GenerationFinal? final = null;
            await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Chunk)
                {
                    timeline.Chunk(response.Chunk.TokenIds.Count);
                    tokens += response.Chunk.TokenIds.Count;
                }
                else
                {
                    final = response.Final;
                }
            }

            return final is { FinishReason: FinishReason.Length } && final.Usage.CompletionTokens == tokens && tokens == input.MaxNewTokens
                ? tokens
                : throw new InvalidOperationException($"served Generate ended with {final?.FinishReason} after {tokens} tokens in chunks "
                    + $"({final?.Usage.CompletionTokens} in its usage) of {input.MaxNewTokens}");
        };
    }
}
