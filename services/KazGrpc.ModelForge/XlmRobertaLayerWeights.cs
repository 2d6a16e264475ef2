namespace KazGrpc.ModelForge;

/// <summary>
/// The weights of one encoder layer. Projections are row-major [in, out], the layout of ONNX
/// <c>MatMul</c>'s second input: <c>y = x · W + b</c>. LayerNorm weights and biases are [hidden].
/// </summary>
public sealed class XlmRobertaLayerWeights
{
    internal XlmRobertaLayerWeights(Func<int, int, float[]> projection, Func<int, float[]> bias, Func<float[]> normWeight, int hidden, int intermediate)
    {
        Query = projection(hidden, hidden);
        QueryBias = bias(hidden);
        Key = projection(hidden, hidden);
        KeyBias = bias(hidden);
        Value = projection(hidden, hidden);
        ValueBias = bias(hidden);
        Output = projection(hidden, hidden);
        OutputBias = bias(hidden);
        AttentionNorm = normWeight();
        AttentionNormBias = bias(hidden);
        Intermediate = projection(hidden, intermediate);
        IntermediateBias = bias(intermediate);
        FeedForwardOutput = projection(intermediate, hidden);
        FeedForwardOutputBias = bias(hidden);
        FeedForwardNorm = normWeight();
        FeedForwardNormBias = bias(hidden);
    }

    /// <summary>The query projection, [hidden, hidden].</summary>
    public ReadOnlyMemory<float> Query { get; }

    /// <summary>The query bias, [hidden].</summary>
    public ReadOnlyMemory<float> QueryBias { get; }

    /// <summary>The key projection, [hidden, hidden].</summary>
    public ReadOnlyMemory<float> Key { get; }

    /// <summary>The key bias, [hidden].</summary>
    public ReadOnlyMemory<float> KeyBias { get; }

    /// <summary>The value projection, [hidden, hidden].</summary>
    public ReadOnlyMemory<float> Value { get; }

    /// <summary>The value bias, [hidden].</summary>
    public ReadOnlyMemory<float> ValueBias { get; }

    /// <summary>The attention output projection, [hidden, hidden].</summary>
    public ReadOnlyMemory<float> Output { get; }

    /// <summary>The attention output bias, [hidden].</summary>
    public ReadOnlyMemory<float> OutputBias { get; }

    /// <summary>The LayerNorm weight after attention and its residual, [hidden].</summary>
    public ReadOnlyMemory<float> AttentionNorm { get; }

    /// <summary>The LayerNorm bias after attention, [hidden].</summary>
    public ReadOnlyMemory<float> AttentionNormBias { get; }

    /// <summary>The feed-forward input projection (through GELU), [hidden, intermediate].</summary>
    public ReadOnlyMemory<float> Intermediate { get; }

    /// <summary>The feed-forward input bias, [intermediate].</summary>
    public ReadOnlyMemory<float> IntermediateBias { get; }

    /// <summary>The feed-forward output projection, [intermediate, hidden].</summary>
    public ReadOnlyMemory<float> FeedForwardOutput { get; }

    /// <summary>The feed-forward output bias, [hidden].</summary>
    public ReadOnlyMemory<float> FeedForwardOutputBias { get; }

    /// <summary>The LayerNorm weight after the feed-forward layer and its residual, [hidden].</summary>
    public ReadOnlyMemory<float> FeedForwardNorm { get; }

    /// <summary>The LayerNorm bias after the feed-forward layer, [hidden].</summary>
    public ReadOnlyMemory<float> FeedForwardNormBias { get; }
}
