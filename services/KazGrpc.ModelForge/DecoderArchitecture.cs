using System.Globalization;

namespace KazGrpc.ModelForge;

/// <summary>
/// The dimensions of a Llama-class decoder: what <c>genai_config.json</c> records, plus the rotary
/// base and the norm epsilon that the graph bakes in. <see cref="For"/> gives the forge's named sizes.
/// </summary>
public sealed record DecoderArchitecture
{
    /// <summary>The vocabulary of o200k_base, the paired tokenizer: 200019 ids (200000 ranks and 19 specials).</summary>
    public const int O200kVocabSize = 200_019;

    /// <summary>Llama 3's rotary base, the default of <see cref="RopeTheta"/>.</summary>
    public const float DefaultRopeTheta = 500_000f;

    /// <summary>Llama's RMSNorm epsilon, the default of <see cref="RmsNormEpsilon"/>.</summary>
    public const float DefaultRmsNormEpsilon = 1e-5f;

    /// <summary>The number of decoder layers.</summary>
    public required int NumLayers { get; init; }

    /// <summary>The width of the residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>The number of query heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>The number of key/value heads; divides <see cref="NumHeads"/>.</summary>
    public required int NumKvHeads { get; init; }

    /// <summary>The width of one head; even, for the half rotation of rotary embeddings.</summary>
    public required int HeadSize { get; init; }

    /// <summary>The width of the SwiGLU MLP's gate and up projections.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>The number of token ids.</summary>
    public required int VocabSize { get; init; }

    /// <summary>The most positions a sequence may reach: the rows of the rotary caches.</summary>
    public required int ContextLength { get; init; }

    /// <summary>The rotary base θ; default <see cref="DefaultRopeTheta"/> (500000, Llama 3).</summary>
    public float RopeTheta { get; init; } = DefaultRopeTheta;

    /// <summary>The RMSNorm epsilon; default <see cref="DefaultRmsNormEpsilon"/> (1e-5).</summary>
    public float RmsNormEpsilon { get; init; } = DefaultRmsNormEpsilon;

    /// <summary>The width of all query heads together, <see cref="NumHeads"/> × <see cref="HeadSize"/>.</summary>
    public int QueryWidth => NumHeads * HeadSize;

    /// <summary>The width of all key (or value) heads together, <see cref="NumKvHeads"/> × <see cref="HeadSize"/>.</summary>
    public int KvWidth => NumKvHeads * HeadSize;

    /// <summary>The number of parameters: embedding, layers, final norm and the untied LM head.</summary>
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize;
            var layer = (2 * h) + (h * QueryWidth) + (2 * h * KvWidth) + (QueryWidth * h) + (3 * h * IntermediateSize);
            return (2 * (long)VocabSize * h) + (NumLayers * layer) + h;
        }
    }

    /// <summary>The dimensions of a named size with the given vocabulary.</summary>
    /// <param name="size">The size.</param>
    /// <param name="vocabSize">The number of token ids; default o200k_base's <see cref="O200kVocabSize"/>.</param>
    /// <returns>A validated architecture.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is unknown or the vocabulary is under 2.</exception>
    public static DecoderArchitecture For(DecoderSize size, int vocabSize = O200kVocabSize)
    {
        var architecture = size switch
        {
            DecoderSize.Tiny => new DecoderArchitecture
            {
                NumLayers = 2, HiddenSize = 64, NumHeads = 4, NumKvHeads = 2, HeadSize = 16,
                IntermediateSize = 128, VocabSize = vocabSize, ContextLength = 2048,
            },
            DecoderSize.Bench => new DecoderArchitecture
            {
                NumLayers = 4, HiddenSize = 256, NumHeads = 4, NumKvHeads = 2, HeadSize = 64,
                IntermediateSize = 768, VocabSize = vocabSize, ContextLength = 4096,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Not a decoder size."),
        };
        architecture.Validate();
        return architecture;
    }

    /// <summary>Checks that the dimensions make a valid decoder.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        static void Require(bool condition, string name, string rule, object value)
        {
            if (!condition)
            {
                throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be {rule}; got {value}"));
            }
        }

        Require(NumLayers >= 1, nameof(NumLayers), "at least 1", NumLayers);
        Require(HiddenSize >= 1, nameof(HiddenSize), "at least 1", HiddenSize);
        Require(NumHeads >= 1, nameof(NumHeads), "at least 1", NumHeads);
        Require(NumKvHeads >= 1 && NumHeads % NumKvHeads == 0, nameof(NumKvHeads), $"at least 1 and divide NumHeads ({NumHeads})", NumKvHeads);
        Require(HeadSize >= 2 && HeadSize % 2 == 0, nameof(HeadSize), "even and at least 2", HeadSize);
        Require(IntermediateSize >= 1, nameof(IntermediateSize), "at least 1", IntermediateSize);
        Require(VocabSize >= 2, nameof(VocabSize), "at least 2", VocabSize);
        Require(ContextLength >= 1, nameof(ContextLength), "at least 1", ContextLength);
        Require(RopeTheta > 1f && float.IsFinite(RopeTheta), nameof(RopeTheta), "finite and over 1", RopeTheta);
        Require(RmsNormEpsilon > 0f && float.IsFinite(RmsNormEpsilon), nameof(RmsNormEpsilon), "finite and positive", RmsNormEpsilon);
    }
}
