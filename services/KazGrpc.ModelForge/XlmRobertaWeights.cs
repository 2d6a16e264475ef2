namespace KazGrpc.ModelForge;

/// <summary>
/// The float32 weights of an XLM-RoBERTa-class encoder, generated deterministically from a seed,
/// for <see cref="XlmRobertaEncoder"/> to write and for a reference forward pass in plain code to
/// compute with.
/// </summary>
/// <remarks>
/// Values are uniform: token embeddings with standard deviation 0.5 and position and token-type
/// embeddings 0.1 (so that the token, not its place, decides most of a vector); projections
/// 1/√fan_in; biases 0.05; LayerNorm weights in [0.9, 1.1].
/// </remarks>
public sealed class XlmRobertaWeights
{
    private static readonly float Sqrt3 = MathF.Sqrt(3f);

    private XlmRobertaWeights(XlmRobertaArchitecture architecture, DecoderRandom random)
    {
        var a = architecture;
        float[] Uniform(int count, float center, float deviation)
        {
            var values = new float[count];
            random.Fill(values, center, deviation * Sqrt3);
            return values;
        }

        Architecture = a;
        WordEmbeddings = Uniform(checked(a.VocabSize * a.HiddenSize), 0f, 0.5f);
        PositionEmbeddings = Uniform(checked(a.MaxPositions * a.HiddenSize), 0f, 0.1f);
        TokenTypeEmbedding = Uniform(a.HiddenSize, 0f, 0.1f);
        EmbeddingNorm = Uniform(a.HiddenSize, 1f, 0.1f / Sqrt3);
        EmbeddingNormBias = Uniform(a.HiddenSize, 0f, 0.05f);
        var layers = new XlmRobertaLayerWeights[a.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new XlmRobertaLayerWeights(
                (fanIn, fanOut) => Uniform(checked(fanIn * fanOut), 0f, 1f / MathF.Sqrt(fanIn)),
                width => Uniform(width, 0f, 0.05f),
                () => Uniform(a.HiddenSize, 1f, 0.1f / Sqrt3),
                a.HiddenSize,
                a.IntermediateSize);
        }

        Layers = layers;
    }

    /// <summary>The dimensions.</summary>
    public XlmRobertaArchitecture Architecture { get; }

    /// <summary>The token embedding, [vocab, hidden].</summary>
    public ReadOnlyMemory<float> WordEmbeddings { get; }

    /// <summary>The position embedding, [max_positions, hidden]; rows up to the padding id are never read.</summary>
    public ReadOnlyMemory<float> PositionEmbeddings { get; }

    /// <summary>The embedding of token type 0, the only one, [hidden].</summary>
    public ReadOnlyMemory<float> TokenTypeEmbedding { get; }

    /// <summary>The LayerNorm weight of the embeddings, [hidden].</summary>
    public ReadOnlyMemory<float> EmbeddingNorm { get; }

    /// <summary>The LayerNorm bias of the embeddings, [hidden].</summary>
    public ReadOnlyMemory<float> EmbeddingNormBias { get; }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<XlmRobertaLayerWeights> Layers { get; }

    /// <summary>Generates the weights of <paramref name="architecture"/> from <paramref name="seed"/>:
    /// the same seed gives the same values on every machine.</summary>
    /// <param name="architecture">The dimensions; validated.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>New weights.</returns>
    public static XlmRobertaWeights Generate(XlmRobertaArchitecture architecture, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        return new XlmRobertaWeights(architecture, new DecoderRandom(seed));
    }
}
