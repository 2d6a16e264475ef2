using KazGrpc.Generation;

namespace KazGrpc.Models;

/// <summary>A generation model's runtime: a decoder with its KV cache, driven by a
/// <see cref="GenerationEngine"/> through <see cref="IStepModel"/>.</summary>
public interface IDecoder : IModelRuntime, IStepModel
{
    /// <summary>Longest context the model was trained for (prompt plus completion), in tokens.</summary>
    int ContextLength { get; }

    /// <summary>The model's end-of-sequence ids.</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Bytes its KV cache holds.</summary>
    long KvCacheBytes { get; }
}
