using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.Models;
using ProtoKind = KazGrpc.Contracts.Inference.V1.ModelKind;
using ProtoState = KazGrpc.Contracts.Inference.V1.ModelState;

namespace KazGrpc.InferenceSvc.Grpc;

/// <summary>gRPC adapter of the inference domain: maps messages (with the priority header and the
/// deadline of the call) to domain commands and back. The domain validates; the interceptor maps its
/// errors.</summary>
internal sealed class InferenceGrpcService(ModelRegistry registry, EmbeddingService embeddings)
    : InferenceService.InferenceServiceBase
{
    private const string PriorityHeader = "kazgrpc-priority";

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        response.Models.Add(registry.Models.Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<ModelInfo> GetModel(GetModelRequest request, ServerCallContext context) =>
        Task.FromResult(ToProto(registry.Get(request.Name, "name")));

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
            RequestId = request.RequestId,
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

    /// <summary>The request's <c>priority</c> field when set, else the <c>kazgrpc-priority</c> header, as given.</summary>
    private static RequestedPriority? Priority(uint field, ServerCallContext context)
    {
        if (field != 0)
        {
            return new RequestedPriority("priority", field.ToString(CultureInfo.InvariantCulture));
        }

        return context.RequestHeaders.GetValue(PriorityHeader) is { } header ? new RequestedPriority(PriorityHeader, header) : null;
    }

    private ModelInfo ToProto(ModelEntry model) => new()
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
    };
}
