using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Generation;
using KazGrpc.InferenceSvc.Tokenizer;
using KazGrpc.Models;

namespace KazGrpc.InferenceSvc;

/// <summary>
/// Loads the models, then keeps readiness true to what the service can do: a loaded model serves
/// only after one real embedding went through the whole path (tokenizer hop, batcher, ONNX
/// Runtime), at start-up and again after an execution failure; health reports SERVING only while
/// the tokenizer is reachable, some model is ready and none is still on its way to its first
/// verdict. A model whose warm-up fails (say, tokenizer-svc lacks its tokenizer) is Failed with the
/// reason, so that it does not hold the others back, and is warmed again on every round until it passes.
/// </summary>
public sealed partial class InferenceRuntime(
    ModelRegistry registry,
    EmbeddingService embeddings,
    GenerationService generation,
    TokenizerHealth tokenizer,
    ReadinessReporter readiness,
    InferenceSignals signals,
    ServerTracing tracing,
    TimeProvider time,
    ILogger<InferenceRuntime> logger) : BackgroundService
{
    private static readonly string[] WarmupText = ["Сәлем, әлем! Hello, world."];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        tokenizer.Changed += _ => signals.Changed();
        try
        {
            await registry.LoadAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (tokenizer.Reachable)
                {
                    await WarmAsync(stoppingToken);
                }

                var serving = tokenizer.Reachable
                    && registry.Models.Any(m => m.State == ModelState.Ready)
                    && !registry.Models.Any(m => m.State == ModelState.Loading && m.Runtime is not null);
                readiness.Set(serving);

                await signals.WaitAsync(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WarmAsync(CancellationToken stoppingToken)
    {
        foreach (var model in registry.Models.Where(m => m.State != ModelState.Ready && m.Runtime is not null))
        {
            // The warm-up's spans (tokenizer hop, queue, batch, ...) form one trace under this one.
            using var span = tracing.Source.StartActivity("kazgrpc.warmup");
            span?.SetTag("kazgrpc.model", model.Name);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                if (model.Kind == ModelKind.Embedding)
                {
                    await embeddings.EmbedAsync(new EmbedCommand { Model = model.Name, Inputs = WarmupText }, timeout.Token, warmup: true);
                    model.Set(ModelState.Ready);
                    Warmed(logger, model.Name, model.Provider, model.Dimensions);
                }
                else
                {
                    await WarmGenerationAsync(model, timeout.Token);
                    model.Set(ModelState.Ready);
                    WarmedGeneration(logger, model.Name, model.Provider);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // GetModel and Embed say why until a warm-up passes. A reason is logged once, not on
                // every retry.
                span.SetError(ex.GetType().Name);
                var reason = $"warm-up failed, retrying: {ex.Message}";
                if (reason != model.Reason)
                {
                    WarmupFailed(logger, model.Name, ex.Message);
                }

                model.Set(ModelState.Failed, reason);
            }
        }
    }

    // One real request through the whole path: chat template, tokenize, prefill, a decode step,
    // detokenize. Its text is not looked at (a forged model's text is noise).
    private async Task WarmGenerationAsync(ModelEntry model, CancellationToken cancellationToken)
    {
        var command = new GenerateCommand
        {
            Model = model.Name,
            Messages = [("user", WarmupText[0])],
            Parameters = new GenerateParameters { MaxNewTokens = 2, IgnoreEos = true },
            RequestId = $"warmup-{model.Name}-{Guid.NewGuid():N}",
        };
        var tokens = 0;
        await foreach (var update in generation.GenerateAsync(command, cancellationToken, warmup: true))
        {
            if (update is GenerationChunk chunk)
            {
                tokens += chunk.Tokens.Count;
            }
        }

        if (tokens == 0)
        {
            throw new InvalidOperationException("the warm-up generation produced no token");
        }
    }

    [LoggerMessage(3, LogLevel.Information, "Generation model {Name} warmed through the whole path on {Provider} (template, tokenize, prefill, decode, detokenize); serving")]
    private static partial void WarmedGeneration(ILogger logger, string name, string provider);

    [LoggerMessage(1, LogLevel.Information, "Model {Name} warmed through the whole path on {Provider} ({Dimensions} dimensions); serving")]
    private static partial void Warmed(ILogger logger, string name, string provider, int dimensions);

    [LoggerMessage(2, LogLevel.Warning, "Warm-up of model {Name} failed ({Reason}); retrying")]
    private static partial void WarmupFailed(ILogger logger, string name, string reason);
}
