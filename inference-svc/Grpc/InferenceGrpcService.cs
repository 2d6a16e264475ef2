using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Core;
using KazGrpc.Hosting.Security;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Generation;
using KazGrpc.Models;
using ProtoInputType = KazGrpc.Contracts.Inference.V1.EmbedInputType;
using ProtoKind = KazGrpc.Contracts.Inference.V1.ModelKind;
using ProtoPolicy = KazGrpc.Contracts.Inference.V1.SensitiveNumberPolicy;
using ProtoSensitiveKind = KazGrpc.Contracts.Inference.V1.SensitiveNumberKind;
using ProtoScript = KazGrpc.Contracts.Inference.V1.Script;
using ProtoState = KazGrpc.Contracts.Inference.V1.ModelState;

namespace KazGrpc.InferenceSvc.Grpc;

/// <summary>gRPC adapter of the inference domain: maps messages (with the priority header, the
/// deadline and the caller of the call) to domain commands and back. The domain validates and checks
/// the caller's model grants and token quotas; the interceptor maps its errors.</summary>
internal sealed class InferenceGrpcService(ModelRegistry registry, EmbeddingService embeddings, GenerationService generation, GenerationEngines engines, RequestTracker tracker)
    : InferenceService.InferenceServiceBase
{
    private const string PriorityHeader = "kazgrpc-priority";

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        // A caller sees the models it may use.
        var caller = Caller(context);
        var response = new ListModelsResponse();
        response.Models.Add(registry.Models.Where(m => caller?.IsGranted(m.Name) != false).Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<ModelInfo> GetModel(GetModelRequest request, ServerCallContext context)
    {
        Caller(context)?.AuthorizeModel(request.Name);
        return Task.FromResult(ToProto(registry.Get(request.Name, "name")));
    }

    public override async Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        var command = new EmbedCommand
        {
            Model = request.Model,
            Inputs = request.Inputs,
            Normalize = !request.HasNormalize || request.Normalize,
            Truncate = request.Truncate,
            Priority = Priority(request.Priority, context),
            Deadline = Deadline(context),
            RequestId = request.RequestId,
            Caller = Caller(context),
            InputType = request.InputType switch
            {
                ProtoInputType.Unspecified => Embeddings.EmbedInputType.None,
                ProtoInputType.Query => Embeddings.EmbedInputType.Query,
                ProtoInputType.Passage => Embeddings.EmbedInputType.Passage,
                _ => throw new RequestValidationException("input_type",
                    $"`input_type` must be EMBED_INPUT_TYPE_UNSPECIFIED, EMBED_INPUT_TYPE_QUERY or EMBED_INPUT_TYPE_PASSAGE; got {(int)request.InputType}"),
            },
            InputScript = InputScript(request.InputScript),
            SensitiveNumbers = Policy(request.SensitiveNumbers),
            ReturnSensitiveSpans = request.ReturnSensitiveSpans,
        };
        var result = await embeddings.EmbedAsync(command, context.CancellationToken);
        var response = new EmbedResponse { Model = request.Model, Usage = new Usage { PromptTokens = (uint)result.PromptTokens } };
        for (var i = 0; i < result.Vectors.Count; i++)
        {
            var embedding = new Embedding { Index = (uint)i };
            embedding.Values.Add(result.Vectors[i]);
            response.Embeddings.Add(embedding);
        }

        response.SensitiveSpans.Add(ToProto(result.SensitiveSpans));
        return response;
    }

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<GenerateResponse> responseStream, ServerCallContext context)
    {
        var command = ToCommand(request, context);
        var requestId = command.RequestId;
        await foreach (var update in generation.GenerateAsync(command, context.CancellationToken))
        {
            var response = update switch
            {
                Generation.GenerationChunk chunk => new GenerateResponse { Chunk = ToProto(chunk) },
                GenerationSummary summary => new GenerateResponse { Final = ToProto(summary) },
                _ => throw new InvalidOperationException($"unexpected generation update {update.GetType().Name}"),
            };
            response.RequestId = requestId;
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    public override async Task<CompleteResponse> Complete(GenerateRequest request, ServerCallContext context)
    {
        var command = ToCommand(request, context);
        var response = new CompleteResponse { RequestId = command.RequestId };
        var text = new System.Text.StringBuilder();
        await foreach (var update in generation.GenerateAsync(command, context.CancellationToken))
        {
            switch (update)
            {
                case Generation.GenerationChunk chunk:
                    text.Append(chunk.Text);
                    var proto = ToProto(chunk);
                    response.TokenIds.Add(proto.TokenIds);
                    response.Logprobs.Add(proto.Logprobs);
                    break;
                case GenerationSummary summary:
                    var final = ToProto(summary);
                    response.FinishReason = final.FinishReason;
                    response.Usage = final.Usage;
                    response.Timings = final.Timings;
                    response.SensitiveSpans.Add(final.SensitiveSpans);
                    break;
            }
        }

        response.Text = text.ToString();
        return response;
    }

    public override Task<AbortResponse> Abort(AbortRequest request, ServerCallContext context) =>
        Task.FromResult(new AbortResponse { WasRunning = tracker.Abort(Caller(context)?.CallerId ?? string.Empty, request.RequestId) });

    /// <summary>The call's caller, which the access interceptor authenticated.</summary>
    private static CallerScope? Caller(ServerCallContext context) => AccessControl.Of(context.GetHttpContext());

    private static GenerateCommand ToCommand(GenerateRequest request, ServerCallContext context)
    {
        var p = request.Parameters ?? new GenerationParameters();
        var caller = Caller(context);
        var requestId = string.IsNullOrEmpty(request.RequestId) ? $"gen-{Guid.NewGuid():N}" : request.RequestId;
        if (caller is not null)
        {
            caller.RequestId = requestId;
        }

        return new GenerateCommand
        {
            Model = request.Model,
            Prompt = request.Prompt,
            Messages = [.. request.Messages.Select(m => (m.Role, m.Content))],
            TokenIds = request.TokenIds,
            Parameters = new GenerateParameters
            {
                MaxNewTokens = p.HasMaxNewTokens ? p.MaxNewTokens : null,
                Temperature = p.Temperature,
                TopK = p.TopK,
                TopP = p.HasTopP ? p.TopP : null,
                MinP = p.MinP,
                RepetitionPenalty = p.HasRepetitionPenalty ? p.RepetitionPenalty : null,
                PresencePenalty = p.PresencePenalty,
                FrequencyPenalty = p.FrequencyPenalty,
                LogitBias = p.LogitBias,
                Seed = p.HasSeed ? p.Seed : null,
                Stop = p.Stop,
                StopTokenIds = p.StopTokenIds,
                MinNewTokens = p.MinNewTokens,
                IgnoreEos = p.IgnoreEos,
                Logprobs = p.Logprobs,
            },
            RequestId = requestId,
            Priority = Priority(request.Priority, context),
            Deadline = Deadline(context),
            Caller = caller,
            InputScript = InputScript(request.InputScript),
            SensitiveNumbers = Policy(request.SensitiveNumbers),
            ReturnSensitiveSpans = request.ReturnSensitiveSpans,
        };
    }

    /// <summary>The policy a <c>sensitive_numbers</c> field asks for; unspecified asks for nothing beyond the caller's.</summary>
    private static Text.SensitiveNumberPolicy Policy(ProtoPolicy policy) => policy switch
    {
        ProtoPolicy.Unspecified or ProtoPolicy.Allow => Text.SensitiveNumberPolicy.Allow,
        ProtoPolicy.Mask => Text.SensitiveNumberPolicy.Mask,
        ProtoPolicy.Reject => Text.SensitiveNumberPolicy.Reject,
        _ => throw new RequestValidationException("sensitive_numbers",
            $"`sensitive_numbers` must be SENSITIVE_NUMBER_POLICY_UNSPECIFIED, _ALLOW, _MASK or _REJECT; got {(int)policy}"),
    };

    private static IEnumerable<SensitiveSpan> ToProto(IReadOnlyList<(int Index, Text.SensitiveNumberKind Kind, int Start, int End)>? spans) =>
        spans?.Select(s => new SensitiveSpan
        {
            Kind = s.Kind switch
            {
                Text.SensitiveNumberKind.Iin => ProtoSensitiveKind.Iin,
                Text.SensitiveNumberKind.Bin => ProtoSensitiveKind.Bin,
                _ => ProtoSensitiveKind.Phone,
            },
            Index = (uint)s.Index,
            Start = (uint)s.Start,
            End = (uint)s.End,
        }) ?? [];

    /// <summary>The script an <c>input_script</c> field names; null when it names none.</summary>
    private static Text.Script? InputScript(ProtoScript script) => script switch
    {
        ProtoScript.Unspecified => null,
        ProtoScript.Cyrillic => Text.Script.Cyrillic,
        ProtoScript.Latin => Text.Script.Latin,
        _ => throw new RequestValidationException("input_script", $"`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got {(int)script}"),
    };

    private static Contracts.Inference.V1.GenerationChunk ToProto(Generation.GenerationChunk chunk)
    {
        var proto = new Contracts.Inference.V1.GenerationChunk { Text = chunk.Text };
        foreach (var token in chunk.Tokens)
        {
            proto.TokenIds.Add((uint)token.TokenId);
            // Only a request that asked for logprobs has them (its top list then holds at least the token itself).
            if (token.TopLogprobs is { Count: > 0 } top)
            {
                var logprob = new TokenLogprob { TokenId = (uint)token.TokenId, Logprob = token.Logprob };
                logprob.TopLogprobs.Add(top.Select(t => new TopLogprob { TokenId = (uint)t.TokenId, Logprob = t.Logprob }));
                proto.Logprobs.Add(logprob);
            }
        }

        return proto;
    }

    private static GenerationFinal ToProto(GenerationSummary summary) => new()
    {
        FinishReason = summary.FinishReason switch
        {
            KazGrpc.Generation.FinishReason.Length => Contracts.Inference.V1.FinishReason.Length,
            KazGrpc.Generation.FinishReason.StopSequence => Contracts.Inference.V1.FinishReason.StopSequence,
            KazGrpc.Generation.FinishReason.Eos => Contracts.Inference.V1.FinishReason.Eos,
            _ => Contracts.Inference.V1.FinishReason.Aborted,
        },
        Usage = new Usage { PromptTokens = (uint)summary.PromptTokens, CompletionTokens = (uint)summary.CompletionTokens },
        Timings = new Timings { QueueMs = summary.QueueMs, TimeToFirstTokenMs = summary.TimeToFirstTokenMs, TotalMs = summary.TotalMs },
        SensitiveSpans = { ToProto(summary.SensitiveSpans) },
    };

    /// <summary>The call's deadline; null when the caller set none.</summary>
    private static DateTimeOffset? Deadline(ServerCallContext context) =>
        context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline, TimeSpan.Zero);

    /// <summary>The request's <c>priority</c> field when set, else the <c>kazgrpc-priority</c> header, as given.</summary>
    private static RequestedPriority? Priority(uint field, ServerCallContext context)
    {
        if (field != 0)
        {
            return new RequestedPriority("priority", field.ToString(CultureInfo.InvariantCulture));
        }

        return context.RequestHeaders.GetValue(PriorityHeader) is { } header ? new RequestedPriority(PriorityHeader, header) : null;
    }

    private ModelInfo ToProto(ModelEntry model)
    {
        var info = new ModelInfo
        {
            Name = model.Name,
            Kind = model.Kind == Models.ModelKind.Embedding ? ProtoKind.Embedding : ProtoKind.Generation,
            Tokenizer = model.Tokenizer,
            MaxContextTokens = (uint)model.MaxContextTokens,
            EmbeddingDimensions = (uint)model.Dimensions,
            State = model.State switch
            {
                Models.ModelState.Loading => ProtoState.Loading,
                Models.ModelState.Ready => ProtoState.Ready,
                _ => ProtoState.Failed,
            },
            StateReason = model.Reason,
            ExecutionProvider = model.Provider,
            MaxBatchSize = model.Kind == Models.ModelKind.Embedding ? (uint)embeddings.MaxBatchSize : 0,
            QueryPrefix = model.QueryPrefix,
            PassagePrefix = model.PassagePrefix,
        };
        if (model.Runtime is IDecoder decoder)
        {
            var status = engines.Find(model.Name)?.Status;
            info.MaxBatchSize = (uint)decoder.MaxSlots;
            info.KvCacheSlots = (uint)decoder.MaxSlots;
            info.KvCacheSlotTokens = (uint)decoder.MaxSequenceLength;
            info.RunningRequests = (uint)(status?.Running ?? 0);
            info.WaitingRequests = (uint)(status?.Waiting ?? 0);
            info.KvCacheUsage = status?.KvUsage ?? 0;
        }

        return info;
    }
}
