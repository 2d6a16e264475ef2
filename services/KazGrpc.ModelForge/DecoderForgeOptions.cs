using System.Globalization;

namespace KazGrpc.ModelForge;

/// <summary>What <see cref="LlamaDecoder"/> forges: size, precision, seed, vocabulary, logits and the paired tokenizer.</summary>
public sealed class DecoderForgeOptions
{
    /// <summary>The default MatMulNBits block length: 32, as onnxruntime-genai's builder.</summary>
    public const int DefaultInt4BlockSize = 32;

    /// <summary>The default seed of the weights.</summary>
    public const ulong DefaultSeed = 42;

    /// <summary>o200k_base's <c>&lt;|endoftext|&gt;</c>, the end-of-sequence id when the vocabulary holds it.</summary>
    public const int O200kEndOfText = 199_999;

    /// <summary>The named size; default <see cref="DecoderSize.Tiny"/>.</summary>
    public DecoderSize Size { get; init; } = DecoderSize.Tiny;

    /// <summary>The precision; default <see cref="DecoderPrecision.Fp32"/>.</summary>
    public DecoderPrecision Precision { get; init; } = DecoderPrecision.Fp32;

    /// <summary>The seed of the weights; default <see cref="DefaultSeed"/>. The same seed gives the same bytes.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// The number of token ids; default o200k_base's 200019. Tests may use a small vocabulary (then the
    /// model pairs with no real tokenizer's ids beyond it).
    /// </summary>
    public int VocabSize { get; init; } = DecoderArchitecture.O200kVocabSize;

    /// <summary>
    /// <see langword="false"/> (the default): <c>logits</c> holds only each sequence's last position,
    /// [batch_size, 1, vocab_size], computed after the last position is picked, so a prefill does not
    /// pay for the LM head at every position. <see langword="true"/>: every position,
    /// [batch_size, sequence_length, vocab_size], as older onnxruntime-genai exports.
    /// </summary>
    public bool FullLogits { get; init; }

    /// <summary>The MatMulNBits block length for <see cref="DecoderPrecision.Int4"/>: 16, 32 (the default), 64, 128 or 256; divides the hidden and MLP widths.</summary>
    public int Int4BlockSize { get; init; } = DefaultInt4BlockSize;

    /// <summary>Whether int4 blocks carry zero points (asymmetric); default <see langword="false"/>: symmetric, zero point 8, as the builder's default.</summary>
    public bool Int4ZeroPoints { get; init; }

    /// <summary>
    /// The end-of-sequence id written to <c>genai_config.json</c> (also its pad and bos ids); default
    /// (null): <see cref="O200kEndOfText"/> when the vocabulary holds it, else the last id.
    /// </summary>
    public int? EosTokenId { get; init; }

    /// <summary>The built-in tokenizer named in <c>kazgrpc.json</c>; default <c>o200k_base</c>.</summary>
    public string Tokenizer { get; init; } = "o200k_base";

    /// <summary>
    /// Ids inside the vocabulary that the paired tokenizer does not assign: the forged graph adds
    /// <see cref="UnassignedLogit"/> to their logits, so that random weights never choose an id the
    /// tokenizer cannot decode (a trained model gives them no mass). Default (null):
    /// <see cref="O200kUnassignedIds"/> for o200k_base's vocabulary, else none.
    /// </summary>
    public IReadOnlyList<int>? UnassignedTokenIds { get; init; }

    /// <summary>What the forged graph adds to the logit of an unassigned id.</summary>
    public const float UnassignedLogit = -1e9f;

    /// <summary>o200k_base's ids below its vocabulary size that it assigns to nothing: 199998 and 200000-200017 (its control tokens are 199999 and 200018).</summary>
    public static IReadOnlyList<int> O200kUnassignedIds { get; } = [199_998, .. Enumerable.Range(200_000, 18)];

    /// <summary>The unassigned ids in effect for a vocabulary: <see cref="UnassignedTokenIds"/> or its default.</summary>
    /// <param name="vocabSize">The model's vocabulary size.</param>
    /// <returns>The ids, ascending.</returns>
    public IReadOnlyList<int> UnassignedTokenIdsFor(int vocabSize) =>
        UnassignedTokenIds ?? (vocabSize == DecoderArchitecture.O200kVocabSize && Tokenizer == "o200k_base" ? O200kUnassignedIds : []);

    /// <summary>The end-of-sequence id in effect for a vocabulary: <see cref="EosTokenId"/> or its default.</summary>
    /// <param name="vocabSize">The model's vocabulary size.</param>
    /// <returns>The id.</returns>
    public int EosTokenIdFor(int vocabSize) => EosTokenId ?? (vocabSize > O200kEndOfText ? O200kEndOfText : vocabSize - 1);

    /// <summary>The dimensions these options forge.</summary>
    /// <returns>A validated architecture.</returns>
    public DecoderArchitecture Architecture() => DecoderArchitecture.For(Size, VocabSize);

    /// <summary>Checks the options against each other and against <paramref name="architecture"/>.</summary>
    /// <param name="architecture">The dimensions the weights have.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and its value.</exception>
    public void Validate(DecoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        static ArgumentException Bad(string name, string rule, object value) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{name} must be {rule}; got {value}"), name);

        if (!Enum.IsDefined(Precision))
        {
            throw Bad(nameof(Precision), "fp32, fp16 or int4", Precision);
        }

        var eos = EosTokenIdFor(architecture.VocabSize);
        if (eos < 0 || eos >= architecture.VocabSize)
        {
            throw Bad(nameof(EosTokenId), $"an id below the vocabulary size {architecture.VocabSize}", eos);
        }

        if (string.IsNullOrWhiteSpace(Tokenizer))
        {
            throw Bad(nameof(Tokenizer), "a tokenizer name", $"'{Tokenizer}'");
        }

        if (Precision == DecoderPrecision.Int4)
        {
            if (Int4BlockSize is not (16 or 32 or 64 or 128 or 256))
            {
                throw Bad(nameof(Int4BlockSize), "16, 32, 64, 128 or 256", Int4BlockSize);
            }

            foreach (var (name, width) in new[] { ("hidden", architecture.HiddenSize), ("query", architecture.QueryWidth), ("intermediate", architecture.IntermediateSize) })
            {
                if (width % Int4BlockSize != 0)
                {
                    throw Bad(nameof(Int4BlockSize), $"a divisor of the {name} width {width}", Int4BlockSize);
                }
            }
        }
    }
}
