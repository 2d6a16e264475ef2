namespace KazGrpc.ModelForge;

/// <summary>
/// The float32 weights of a Llama-class decoder, generated deterministically from a seed. The forge
/// writes them into a graph; a reference forward pass in plain code can compute with the same
/// values. Projections are row-major [in, out] (<c>y = x · W</c>); the LM head is untied from the
/// embedding.
/// </summary>
/// <remarks>
/// Values are uniform (a fast generator, not a normal one) with the spread of common initialisations:
/// embedding standard deviation 0.02; projections 1/√fan_in, so attention scores and logits vary by
/// about one unit and the model's choices do not hang on rounding; norm weights in [0.9, 1.1].
/// </remarks>
public sealed class LlamaWeights
{
    private static readonly float Sqrt3 = MathF.Sqrt(3f);

    private LlamaWeights(DecoderArchitecture architecture, float[] embedding, LlamaLayerWeights[] layers, float[] finalNorm, float[] lmHead)
    {
        Architecture = architecture;
        EmbeddingArray = embedding;
        Layers = layers;
        FinalNormArray = finalNorm;
        LmHeadArray = lmHead;
    }

    /// <summary>The dimensions.</summary>
    public DecoderArchitecture Architecture { get; }

    /// <summary>The token embedding, [vocab, hidden].</summary>
    public ReadOnlyMemory<float> Embedding => EmbeddingArray;

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<LlamaLayerWeights> Layers { get; }

    /// <summary>The RMSNorm weight after the last layer, [hidden].</summary>
    public ReadOnlyMemory<float> FinalNorm => FinalNormArray;

    /// <summary>The LM head, [hidden, vocab].</summary>
    public ReadOnlyMemory<float> LmHead => LmHeadArray;

    internal float[] EmbeddingArray { get; }

    internal float[] FinalNormArray { get; }

    internal float[] LmHeadArray { get; }

    /// <summary>
    /// Generates the weights of <paramref name="architecture"/> from <paramref name="seed"/>: the same
    /// seed gives the same values on every machine.
    /// </summary>
    /// <param name="architecture">The dimensions; validated.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>New weights.</returns>
    public static LlamaWeights Generate(DecoderArchitecture architecture, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        var a = architecture;
        var random = new DecoderRandom(seed);
        float[] Norm()
        {
            var values = new float[a.HiddenSize];
            random.Fill(values, 1f, 0.1f);
            return values;
        }

        float[] Projection(int fanIn, int fanOut)
        {
            var values = new float[checked(fanIn * fanOut)];
            random.Fill(values, 0f, Sqrt3 / MathF.Sqrt(fanIn));
            return values;
        }

        var embedding = new float[checked(a.VocabSize * a.HiddenSize)];
        random.Fill(embedding, 0f, 0.02f * Sqrt3);
        var layers = new LlamaLayerWeights[a.NumLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new LlamaLayerWeights(
                Norm(),
                Projection(a.HiddenSize, a.QueryWidth),
                Projection(a.HiddenSize, a.KvWidth),
                Projection(a.HiddenSize, a.KvWidth),
                Projection(a.QueryWidth, a.HiddenSize),
                Norm(),
                Projection(a.HiddenSize, a.IntermediateSize),
                Projection(a.HiddenSize, a.IntermediateSize),
                Projection(a.IntermediateSize, a.HiddenSize));
        }

        var finalNorm = Norm();
        var lmHead = Projection(a.HiddenSize, a.VocabSize);
        return new LlamaWeights(a, embedding, layers, finalNorm, lmHead);
    }

    /// <summary>
    /// These weights as the <see cref="DecoderPrecision.Fp16"/> model holds them: every value rounded
    /// to the nearest float16, held as float32.
    /// </summary>
    /// <returns>New weights.</returns>
    public LlamaWeights RoundedToHalf()
    {
        static float[] Round(float[] values)
        {
            var rounded = new float[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                rounded[i] = (float)(Half)values[i];
            }

            return rounded;
        }

        return new LlamaWeights(
            Architecture,
            Round(EmbeddingArray),
            [.. Layers.Select(l => l.Map(Round, (w, _, _) => Round(w), Architecture))],
            Round(FinalNormArray),
            Round(LmHeadArray));
    }

    /// <summary>
    /// These weights as the <see cref="DecoderPrecision.Int4"/> model computes with them: every
    /// projection and the LM head quantized to 4 bits in blocks along the input axis and dequantized
    /// again; the embedding and norms unchanged.
    /// </summary>
    /// <param name="blockSize">The block length; default 32.</param>
    /// <param name="zeroPoints">Whether each block has a zero point (asymmetric) or uses 8 (symmetric, the default).</param>
    /// <returns>New weights.</returns>
    public LlamaWeights QuantizedToInt4(int blockSize = DecoderForgeOptions.DefaultInt4BlockSize, bool zeroPoints = false)
    {
        float[] Quantize(float[] w, int k, int n) => Int4Matrix.Quantize(w, k, n, blockSize, zeroPoints).Dequantized;
        return new LlamaWeights(
            Architecture,
            EmbeddingArray,
            [.. Layers.Select(l => l.Map(w => w, Quantize, Architecture))],
            FinalNormArray,
            Quantize(LmHeadArray, Architecture.HiddenSize, Architecture.VocabSize));
    }
}
