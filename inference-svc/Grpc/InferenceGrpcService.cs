using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.Models;
using ProtoKind = KazGrpc.Contracts.Inference.V1.ModelKind;
using ProtoState = KazGrpc.Contracts.Inference.V1.ModelState;

namespace KazGrpc.InferenceSvc.Grpc;

/// <summary>gRPC adapter of the inference domain: maps messages, reads priority and deadline from
/// the call, and calls the domain. Errors are mapped by the interceptor.</summary>
internal sealed class InferenceGrpcService(ModelRegistry registry, EmbeddingService embeddings, Microsoft.Extensions.Options.IOptions<KazGrpc.Batching.DynamicBatcherOptions> batching)
    : InferenceService.InferenceServiceBase
{
    private const string PriorityHeader = "kazgrpc-priority";

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.Add(registry.Models.Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<ModelInfo> GetModel(GetModelRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0)
        {
            throw new RequestValidationException("name", "`name` is required");
        }

        return Task.FromResult(ToProto(registry.Get(request.Name)));
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
            Deadline = context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline, TimeSpan.Zero),
        };
        var result = await embeddings.EmbedAsync(command, context.CancellationToken);
        var response = new EmbedResponse { Model = request.Model, Usage = new Usage { PromptTokens = (uint)result.PromptTokens } };
        for (var i = 0; i < result.Vectors.Count; i++)
        {
            var embedding = new Embedding { Index = (uint)i };
            embedding.Values.Add(result.Vectors[i]);
            response.Embeddings.Add(embedding);
        }

        return response;
    }

    public override Task Generate(GenerateRequest request, IServerStreamWriter<GenerateResponse> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "Generate is not served by this version of inference-svc; embedding models are"));

    public override Task<CompleteResponse> Complete(GenerateRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "Complete is not served by this version of inference-svc; embedding models are"));

    public override Task<AbortResponse> Abort(AbortRequest request, ServerCallContext context) =>
        throw new ResourceNotFoundException("request", request.RequestId);

    private int Priority(uint field, ServerCallContext context)
    {
        var levels = batching.Value.PriorityLevels;
        var value = (long)field;
        var source = "priority";
        if (field == 0 && context.RequestHeaders.GetValue(PriorityHeader) is { } header)
        {
            source = PriorityHeader;
            if (!long.TryParse(header, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
            {
                throw new RequestValidationException(PriorityHeader, $"`{PriorityHeader}` must be an integer in [0, {levels}]; got '{header}'");
            }
        }

        if (value < 0 || value > levels)
        {
            throw new RequestValidationException(source, $"`{source}` must be in [0, {levels}] (1 is the highest, 0 the default); got {value}");
        }

        return (int)value;
    }

    private static ModelInfo ToProto(ModelEntry model) => new()
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
    };
}
