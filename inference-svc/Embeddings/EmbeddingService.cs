using KazGrpc.Batching;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Tokenizer;
using KazGrpc.Models;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>
/// Embed, transport-free: checks the caller's grant for the model, validates the request, tokenizes
/// through tokenizer-svc, charges the caller's prompt-token quota, queues each input on the model's
/// dynamic batcher (cost = its token count), then normalises.
/// </summary>
public sealed class EmbeddingService(
    ModelRegistry registry,
    EmbeddingBatchers batchers,
    TokenizerGateway tokenizer,
    InferenceMetrics metrics,
    IOptions<EmbeddingOptions> options,
    IOptions<DynamicBatcherOptions> batching,
    ILogger<EmbeddingService> logger)
{
    private const int MaxRequestIdBytes = 128;

    /// <summary>Most inputs an embedding model runs in one batch.</summary>
    public int MaxBatchSize => batching.Value.MaxBatchSize;

    /// <summary>Embeds every input of <paramref name="command"/>; <paramref name="warmup"/> lets the
    /// runtime run a model that is still Loading.</summary>
    public async Task<EmbedResult> EmbedAsync(EmbedCommand command, CancellationToken cancellationToken, bool warmup = false)
    {
        // Before the model is looked up: a caller learns nothing about models it may not use.
        command.Caller?.AuthorizeModel(command.Model);
        var model = ResolveModel(command.Model);
        ValidateInputs(command.Inputs);
        var priority = RequestedPriority.ToLevel(command.Priority, batching.Value.PriorityLevels);
        FieldRules.AtMostBytes(command.RequestId, "request_id", MaxRequestIdBytes);
        if (model.State != ModelState.Ready && !(warmup && model.Runtime is not null))
        {
            throw model.NotServing();
        }

        var tokenized = await tokenizer.TokenizeAsync(model.Tokenizer, command.Inputs, command.Truncate ? model.MaxContextTokens : 0, model.Name, cancellationToken);
        var items = new BatchItem<int[]>[tokenized.Count];
        var promptTokens = 0;
        for (var i = 0; i < items.Length; i++)
        {
            var ids = tokenized[i].Ids;
            if (ids.Length > model.MaxContextTokens)
            {
                throw new RequestValidationException($"inputs[{i}]",
                    $"`inputs[{i}]` has {ids.Length} tokens; model '{model.Name}' takes at most {model.MaxContextTokens} (set `truncate` to cut it)");
            }

            items[i] = new BatchItem<int[]>(ids, ids.Length);
            promptTokens += ids.Length;
        }

        command.Caller?.ChargePrompt(promptTokens);
        EmbeddingLog.Embedding(logger, command.RequestId, model.Name, items.Length, promptTokens, priority);
        var vectors = await batchers.Get(model).EnqueueAsync(items, priority, command.Deadline, cancellationToken);
        if (command.Normalize)
        {
            foreach (var vector in vectors)
            {
                VectorMath.NormalizeL2(vector);
            }
        }

        metrics.PromptTokens(model.Name, promptTokens);
        return new EmbedResult(vectors, promptTokens);
    }

    private ModelEntry ResolveModel(string name)
    {
        var model = registry.Get(name, "model");
        if (model.Kind != ModelKind.Embedding)
        {
            var embedding = registry.Models.Where(m => m.Kind == ModelKind.Embedding).Select(m => m.Name);
            throw new RequestValidationException("model",
                $"`model` '{name}' is a generation model; Embed needs an embedding model ({string.Join(", ", embedding)})");
        }

        return model;
    }

    private void ValidateInputs(IReadOnlyList<string> inputs)
    {
        var max = options.Value.MaxInputs;
        if (inputs.Count == 0)
        {
            throw new RequestValidationException("inputs", "`inputs` must contain at least 1 text; got 0");
        }

        if (inputs.Count > max)
        {
            throw new RequestValidationException("inputs", $"`inputs` must contain at most {max} texts; got {inputs.Count}");
        }
    }
}
