namespace KazGrpc.ModelForge;

/// <summary>
/// The dimensions of an XLM-RoBERTa-class encoder (multilingual-e5, paraphrase-multilingual): a
/// post-norm BERT layer stack whose position ids start after a padding id, with one token type.
/// </summary>
public sealed record XlmRobertaArchitecture
{
    /// <summary>XLM-R's padding id, the default of <see cref="PaddingId"/>.</summary>
    public const int DefaultPaddingId = 1;

    /// <summary>XLM-R's LayerNorm epsilon, the default of <see cref="LayerNormEpsilon"/>.</summary>
    public const float DefaultLayerNormEpsilon = 1e-5f;

    /// <summary>The number of token ids.</summary>
    public required int VocabSize { get; init; }

    /// <summary>The width of the residual stream and of the embedding; default 32.</summary>
    public int HiddenSize { get; init; } = 32;

    /// <summary>The number of encoder layers; default 2.</summary>
    public int NumLayers { get; init; } = 2;

    /// <summary>The number of attention heads; divides <see cref="HiddenSize"/>; default 4.</summary>
    public int NumHeads { get; init; } = 4;

    /// <summary>The width of the feed-forward layer; default 64.</summary>
    public int IntermediateSize { get; init; } = 64;

    /// <summary>Rows of the position embedding; default 514, XLM-R's: 512 positions after the padding offset.</summary>
    public int MaxPositions { get; init; } = 514;

    /// <summary>The padding id; position ids count from it plus one (RoBERTa's offset), so the first token's is 2.</summary>
    public int PaddingId { get; init; } = DefaultPaddingId;

    /// <summary>The LayerNorm epsilon; default 1e-5.</summary>
    public float LayerNormEpsilon { get; init; } = DefaultLayerNormEpsilon;

    /// <summary>The width of one head.</summary>
    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>The longest input, in tokens: the position rows after the padding offset (512 by default).</summary>
    public int MaxTokens => MaxPositions - PaddingId - 1;

    /// <summary>Throws when a dimension is out of range or the heads do not divide the width.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabSize, 4, nameof(VocabSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 1, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(NumLayers, 1, nameof(NumLayers));
        ArgumentOutOfRangeException.ThrowIfLessThan(NumHeads, 1, nameof(NumHeads));
        ArgumentOutOfRangeException.ThrowIfLessThan(IntermediateSize, 1, nameof(IntermediateSize));
        ArgumentOutOfRangeException.ThrowIfNegative(PaddingId, nameof(PaddingId));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPositions, PaddingId + 3, nameof(MaxPositions));
        if (HiddenSize % NumHeads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumHeads), NumHeads, $"must divide HiddenSize ({HiddenSize})");
        }
    }
}
