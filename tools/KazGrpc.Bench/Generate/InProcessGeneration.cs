using KazGrpc.Bench.Core;
using KazGrpc.Generation;
using KazGrpc.ModelForge;
using KazGrpc.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Bench.Generate;

/// <summary>
/// The generation engine and decoder in this process, as inference-svc runs them (its defaults,
/// then <c>--inference-config</c>'s <c>OnnxRuntime:*</c>, <c>KvCache:*</c> and <c>Generation:*</c>),
/// without gRPC, tokenizer-svc or detokenization. Disposing stops the engine, then frees the model.
/// </summary>
internal sealed class InProcessGeneration : IAsyncDisposable
{
    private readonly DecoderModel _decoder;
    private readonly GenerationEngine _engine;

    private InProcessGeneration(DecoderModel decoder, GenerationEngine engine, string description)
    {
        (_decoder, _engine, Description) = (decoder, engine, description);
    }

    /// <summary>What runs, for the report.</summary>
    public string Description { get; }

    /// <summary>Loads <paramref name="model"/> from <paramref name="directory"/> and starts its engine.</summary>
    public static InProcessGeneration Load(string directory, string model, string executionProvider, IReadOnlyList<string> inferenceConfig)
    {
        var onnx = InferenceConfig.Bind(inferenceConfig, OnnxRuntimeOptions.SectionName, new OnnxRuntimeOptions { ExecutionProvider = executionProvider });
        onnx.Validate();
        var cache = InferenceConfig.Bind(inferenceConfig, KvCacheOptions.SectionName, new KvCacheOptions());
        cache.Validate();
        var scheduling = InferenceConfig.Bind(inferenceConfig, GenerationEngineOptions.SectionName, new GenerationEngineOptions());
        var decoder = DecoderModel.Load(
            directory, GenAiConfig.Read(directory), new SessionFactory(Options.Create(onnx), NullLogger<SessionFactory>.Instance), cache, onnx.DecoderIntraOpThreads);
        try
        {
            var engine = new GenerationEngine(model, decoder, scheduling, TimeProvider.System, NullLogger.Instance);
            return new InProcessGeneration(decoder, engine,
                $"in-process: {model} on {decoder.Provider}, {decoder.MaxSlots} KV slots of {decoder.MaxSequenceLength:N0} positions, decoder intra-op threads "
                + $"{(onnx.DecoderIntraOpThreads == 0 ? "ONNX Runtime's default" : onnx.DecoderIntraOpThreads)}, prefill {scheduling.PrefillTokensPerStep} tokens a step, "
                + $"parallel sampling from {scheduling.ParallelSamplingThreshold} rows");
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>Generates <paramref name="input"/> (end-of-sequence ignored; greedy at temperature 0, else seeded; the logits of
    /// <paramref name="banned"/> lowered by 100, as the served requests ask), recording each read of the token channel that found
    /// tokens as a chunk of <paramref name="timeline"/>; returns the tokens.</summary>
    public async Task<int> StreamAsync(
        GenerateInput input, float temperature, IReadOnlyDictionary<int, float> banned, StreamTimeline timeline, CancellationToken cancellationToken)
    {
        var sequence = _engine.Submit(new GenerationRequest
        {
            RequestId = $"bench-{input.Seed:x16}",
            PromptIds = input.Prompt.Ids,
            Sampling = new SamplingParameters { Temperature = temperature, Seed = temperature > 0 ? input.Seed : null, LogitBias = banned },
            Stopping = new StoppingCriteria { MaxNewTokens = input.MaxNewTokens, EosTokenIds = _decoder.EosTokenIds, IgnoreEos = true },
        }, cancellationToken);
        var reader = sequence.Tokens;
        var tokens = 0;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var chunk = 0;
            while (reader.TryRead(out _))
            {
                chunk++;
            }

            timeline.Chunk(chunk);
            tokens += chunk;
        }

        var result = await sequence.Completion;
        return result.FinishReason == FinishReason.Length && tokens == input.MaxNewTokens
            ? tokens
            : throw new InvalidOperationException($"the in-process engine ended a request with {result.FinishReason} after {tokens} of {input.MaxNewTokens} tokens");
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        _decoder.Dispose();
    }
}
