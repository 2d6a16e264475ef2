using KazGrpc.Batching;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Tokenizer;
using KazGrpc.Models;
using KazGrpc.Text;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>
/// Embed, transport-free: checks the caller's grant for the model, validates the request, converts
/// Latin-script inputs to Cyrillic and puts the model's query or passage prefix in front when asked,
/// tokenizes through tokenizer-svc, charges the caller's prompt-token quota, queues each input on the
/// model's dynamic batcher (cost = its token count), then normalises.
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

        var policy = SensitiveNumberGuard.Stricter(command.Caller?.SensitiveNumbers ?? SensitiveNumberPolicy.Allow, command.SensitiveNumbers);
        var spans = SensitiveInputs.Check(command.Inputs, static i => $"inputs[{i}]", policy, command.ReturnSensitiveSpans);
        var texts = Prepare(command, model);
        var tokenized = await tokenizer.TokenizeAsync(model.Tokenizer, texts, command.Truncate ? model.MaxContextTokens : 0, model.Name, policy, cancellationToken);
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
        return new EmbedResult(vectors, promptTokens, spans);
    }

    /// <summary>The texts the tokenizer gets: the inputs in Cyrillic when they are Latin-script, then
    /// behind the prefix of their type (converted first, so that the prefix stays as the model learnt it).</summary>
    private static IReadOnlyList<string> Prepare(EmbedCommand command, ModelEntry model)
    {
        var prefix = command.InputType switch
        {
            EmbedInputType.Query => model.QueryPrefix,
            EmbedInputType.Passage => model.PassagePrefix,
            _ => string.Empty,
        };
        var latin = command.InputScript == Script.Latin;
        if (prefix.Length == 0 && !latin)
        {
            return command.Inputs;
        }

        var texts = new string[command.Inputs.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = prefix + (latin ? KazakhScript.ToCyrillic(command.Inputs[i]) : command.Inputs[i]);
        }

        return texts;
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
