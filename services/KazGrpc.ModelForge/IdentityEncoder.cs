using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// A near-free encoder with the inputs and output of a BERT sentence-transformer export
/// (all-MiniLM-L6-v2), for measuring serving overhead (gRPC, tokenizer hop, batcher, ONNX Runtime)
/// without the cost of a real model. Per token and dimension:
/// <c>last_hidden_state[b, s, d] = (input_ids[b, s] * Scale(d) + Offset(d)) * attention_mask[b, s]</c>.
/// </summary>
/// <remarks>
/// Each position depends only on its own token, so padding never leaks into other positions, and
/// padded positions are zero. The offset keeps mean-pooled, L2-normalised embeddings different for
/// different inputs: without it every embedding would point along <see cref="Scale"/>.
/// <c>token_type_ids</c> is accepted, as BERT's is, and unused.
/// </remarks>
public static class IdentityEncoder
{
    /// <summary>The embedding length by default: 384, as all-MiniLM-L6-v2.</summary>
    public const int DefaultDimensions = 384;

    /// <summary>The tokenizer named in <c>kazgrpc.json</c> by default: <c>minilm</c>.</summary>
    public const string DefaultTokenizer = "minilm";

    /// <summary>The token limit written to <c>kazgrpc.json</c>: 512, as BERT.</summary>
    public const int MaxTokens = 512;

    /// <summary>The token id input, int64 [batch, sequence].</summary>
    public const string InputIds = "input_ids";

    /// <summary>The attention mask input (1 for tokens, 0 for padding), int64 [batch, sequence].</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The segment input, int64 [batch, sequence]; accepted and unused.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>The output, float [batch, sequence, dimensions].</summary>
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>The factor for dimension <paramref name="dimension"/>: <c>(dimension + 1) / 4096</c>, exact in float.</summary>
    /// <param name="dimension">The index along the last axis.</param>
    /// <returns>The factor.</returns>
    public static float Scale(int dimension) => (dimension + 1) / 4096f;

    /// <summary>The offset for dimension <paramref name="dimension"/>: <c>(dimension % 17 - 8) / 64</c>, exact in float.</summary>
    /// <param name="dimension">The index along the last axis.</param>
    /// <returns>The offset.</returns>
    public static float Offset(int dimension) => ((dimension % 17) - 8) / 64f;

    /// <summary>
    /// The output value for one token and dimension, computed in float in the order the graph
    /// computes it, so ONNX Runtime's output equals it exactly.
    /// </summary>
    /// <param name="tokenId">The token's id.</param>
    /// <param name="attentionMask">The token's attention mask, 0 or 1.</param>
    /// <param name="dimension">The index along the last axis.</param>
    /// <returns>The value of <c>last_hidden_state</c> there.</returns>
    public static float ValueAt(long tokenId, long attentionMask, int dimension) =>
        ((tokenId * Scale(dimension)) + Offset(dimension)) * attentionMask;

    /// <summary>
    /// Builds the model: ONNX opset 17; <c>[ids × mask, mask] · [scale; offset]</c> as one MatMul with
    /// K = 2, so that the only pass over the [batch, sequence, dimensions] output is the one that
    /// writes it (three elementwise passes cost ONNX Runtime about three times as much). Every
    /// product and sum is exact in float, so the result equals <see cref="ValueAt"/> whatever the
    /// kernel's order of operations.
    /// </summary>
    /// <param name="dimensions">The length of the last output axis; default 384.</param>
    /// <returns>A new model.</returns>
    public static ModelProto Build(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var scale = new float[dimensions];
        var offset = new float[dimensions];
        for (var d = 0; d < dimensions; d++)
        {
            scale[d] = Scale(d);
            offset[d] = Offset(d);
        }

        const long toFloat = (long)OnnxElementType.Float;
        return new GraphBuilder("identity_encoder")
            .SetDocString("KazGrpc identity encoder: last_hidden_state[b,s,d] = (input_ids[b,s] * scale[d] + offset[d]) * attention_mask[b,s]. For measuring serving overhead; it knows no language.")
            .AddMetadata("kazgrpc.forge", "identity-encoder")
            .AddInput(InputIds, OnnxElementType.Int64, "batch", "sequence")
            .AddInput(AttentionMask, OnnxElementType.Int64, "batch", "sequence")
            .AddInput(TokenTypeIds, OnnxElementType.Int64, "batch", "sequence")
            .AddInitializer("weights", [.. scale, .. offset], [2, dimensions])
            .AddInitializer("last_axis", [2L], [1])
            .AddNode("Cast", [InputIds], ["ids_float"], a => a.SetInt("to", toFloat))
            .AddNode("Cast", [AttentionMask], ["mask_float"], a => a.SetInt("to", toFloat))
            .AddNode("Mul", ["ids_float", "mask_float"], ["masked_ids"])
            .AddNode("Unsqueeze", ["masked_ids", "last_axis"], ["ids_column"])
            .AddNode("Unsqueeze", ["mask_float", "last_axis"], ["mask_column"])
            .AddNode("Concat", ["ids_column", "mask_column"], ["features"], a => a.SetInt("axis", -1))
            .AddNode("MatMul", ["features", "weights"], [LastHiddenState])
            .AddOutput(LastHiddenState, OnnxElementType.Float, "batch", "sequence", dimensions)
            .Build();
    }

    /// <summary>
    /// Writes a model directory: <c>model.onnx</c> and a <c>kazgrpc.json</c> that describes it as an
    /// embedding model with mean pooling, 512 tokens and the given tokenizer, so the registry loads it
    /// as it loads MiniLM. Existing files are replaced.
    /// </summary>
    /// <param name="directory">The model directory, created if missing.</param>
    /// <param name="dimensions">The embedding length; default 384.</param>
    /// <param name="tokenizer">The tokenizer name for <c>kazgrpc.json</c>; default <c>minilm</c>.</param>
    /// <returns>The full path of <c>model.onnx</c>.</returns>
    public static string Write(string directory, int dimensions = DefaultDimensions, string tokenizer = DefaultTokenizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizer);
        var modelPath = ModelWriter.Save(Build(dimensions), directory);
        new EmbeddingModelConfig { Tokenizer = tokenizer, Dimensions = dimensions, MaxTokens = MaxTokens, Pooling = "mean" }
            .Save(directory);
        return modelPath;
    }
}
