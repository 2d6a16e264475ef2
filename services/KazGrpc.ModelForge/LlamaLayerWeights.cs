namespace KazGrpc.ModelForge;

/// <summary>
/// The weights of one decoder layer. Projections are row-major [in, out], the layout of ONNX
/// <c>MatMul</c>'s second input: <c>y = x · W</c>. Norm weights are [hidden].
/// </summary>
public sealed class LlamaLayerWeights
{
    internal LlamaLayerWeights(float[] attentionNorm, float[] query, float[] key, float[] value, float[] output, float[] mlpNorm, float[] gate, float[] up, float[] down)
    {
        AttentionNormArray = attentionNorm;
        QueryArray = query;
        KeyArray = key;
        ValueArray = value;
        OutputArray = output;
        MlpNormArray = mlpNorm;
        GateArray = gate;
        UpArray = up;
        DownArray = down;
    }

    /// <summary>The RMSNorm weight before attention, [hidden].</summary>
    public ReadOnlyMemory<float> AttentionNorm => AttentionNormArray;

    /// <summary>The query projection, [hidden, heads × head_size].</summary>
    public ReadOnlyMemory<float> Query => QueryArray;

    /// <summary>The key projection, [hidden, kv_heads × head_size].</summary>
    public ReadOnlyMemory<float> Key => KeyArray;

    /// <summary>The value projection, [hidden, kv_heads × head_size].</summary>
    public ReadOnlyMemory<float> Value => ValueArray;

    /// <summary>The attention output projection, [heads × head_size, hidden].</summary>
    public ReadOnlyMemory<float> Output => OutputArray;

    /// <summary>The RMSNorm weight before the MLP, [hidden].</summary>
    public ReadOnlyMemory<float> MlpNorm => MlpNormArray;

    /// <summary>The MLP's gate projection (through SiLU), [hidden, intermediate].</summary>
    public ReadOnlyMemory<float> Gate => GateArray;

    /// <summary>The MLP's up projection, [hidden, intermediate].</summary>
    public ReadOnlyMemory<float> Up => UpArray;

    /// <summary>The MLP's down projection, [intermediate, hidden].</summary>
    public ReadOnlyMemory<float> Down => DownArray;

    internal float[] AttentionNormArray { get; }

    internal float[] QueryArray { get; }

    internal float[] KeyArray { get; }

    internal float[] ValueArray { get; }

    internal float[] OutputArray { get; }

    internal float[] MlpNormArray { get; }

    internal float[] GateArray { get; }

    internal float[] UpArray { get; }

    internal float[] DownArray { get; }

    internal LlamaLayerWeights Map(Func<float[], float[]> norm, Func<float[], int, int, float[]> projection, DecoderArchitecture a) => new(
        norm(AttentionNormArray),
        projection(QueryArray, a.HiddenSize, a.QueryWidth),
        projection(KeyArray, a.HiddenSize, a.KvWidth),
        projection(ValueArray, a.HiddenSize, a.KvWidth),
        projection(OutputArray, a.QueryWidth, a.HiddenSize),
        norm(MlpNormArray),
        projection(GateArray, a.HiddenSize, a.IntermediateSize),
        projection(UpArray, a.HiddenSize, a.IntermediateSize),
        projection(DownArray, a.IntermediateSize, a.HiddenSize));
}
