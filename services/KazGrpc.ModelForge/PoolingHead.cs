using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// The pooling of a sentence encoder as a graph of its own, so that it runs where the encoder runs:
/// fed the encoder's <c>last_hidden_state</c> where it lies (on the GPU, bound through IOBinding),
/// it returns only the pooled [batch, dimensions] vectors, and the [batch, sequence, dimensions]
/// hidden state never crosses to the host.
/// </summary>
/// <remarks>
/// <c>mean</c>: <c>pooled[b, d] = Σ_s hidden[b, s, d] · mask[b, s] / Σ_s mask[b, s]</c>, the masked
/// mean of sentence-transformers, so padding adds exact zeros and never leaks. <c>cls</c>:
/// <c>pooled[b, d] = hidden[b, 0, d]</c>. Not normalised: L2 normalisation stays with the caller,
/// who decides per request.
/// </remarks>
public static class PoolingHead
{
    /// <summary>The hidden-state input, float [batch, sequence, dimensions].</summary>
    public const string Hidden = "last_hidden_state";

    /// <summary>The attention mask input (1 for tokens, 0 for padding), int64 [batch, sequence].</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The output, float [batch, dimensions].</summary>
    public const string Pooled = "pooled";

    /// <summary>Builds the head for <paramref name="pooling"/>, <c>mean</c> or <c>cls</c> (ONNX opset 17).</summary>
    /// <param name="pooling">The pooling of the encoder's config.</param>
    /// <returns>A new model.</returns>
    public static ModelProto Build(string pooling)
    {
        var graph = new GraphBuilder($"pooling_head_{pooling}")
            .SetDocString($"KazGrpc pooling head ({pooling}): last_hidden_state [batch, sequence, dimensions] -> pooled [batch, dimensions].")
            .AddMetadata("kazgrpc.forge", "pooling-head")
            .AddInput(Hidden, OnnxElementType.Float, "batch", "sequence", "dimensions")
            .AddInput(AttentionMask, OnnxElementType.Int64, "batch", "sequence")
            .AddOutput(Pooled, OnnxElementType.Float, "batch", "dimensions");
        switch (pooling)
        {
            case "mean":
                const long toFloat = (long)OnnxElementType.Float;
                graph
                    .AddInitializer("sequence_axis", [1L], [1])
                    .AddInitializer("last_axis", [2L], [1])
                    .AddNode("Cast", [AttentionMask], ["mask_float"], a => a.SetInt("to", toFloat))
                    .AddNode("Unsqueeze", ["mask_float", "last_axis"], ["mask_column"])
                    .AddNode("Mul", [Hidden, "mask_column"], ["masked"])
                    .AddNode("ReduceSum", ["masked", "sequence_axis"], ["sums"], a => a.SetInt("keepdims", 0))
                    .AddNode("ReduceSum", ["mask_float", "sequence_axis"], ["counts"], a => a.SetInt("keepdims", 1))
                    .AddNode("Div", ["sums", "counts"], [Pooled]);
                break;
            case "cls":
                graph
                    .AddInitializer("first", [0L], [])
                    .AddNode("Gather", [Hidden, "first"], [Pooled], a => a.SetInt("axis", 1));
                break;
            default:
                throw new ArgumentException($"pooling must be mean or cls; got '{pooling}'", nameof(pooling));
        }

        return graph.Build();
    }

    /// <summary>The serialized model, for a session created from memory.</summary>
    /// <param name="pooling">The pooling of the encoder's config, <c>mean</c> or <c>cls</c>.</param>
    /// <returns>The ONNX model bytes.</returns>
    public static byte[] Bytes(string pooling) => Build(pooling).ToByteArray();
}
