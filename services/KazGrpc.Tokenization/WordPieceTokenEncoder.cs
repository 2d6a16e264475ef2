namespace KazGrpc.Tokenization;

/// <summary>
/// A <see cref="TokenEncoder"/> for BERT WordPiece vocabularies: <see cref="BertTextNormalizer"/>,
/// <see cref="BertWordSplitter"/> and the trie-based <see cref="WordPieceModel"/>, with the ids of
/// Hugging Face's BERT tokenizer. With special tokens allowed, their spellings are kept by the
/// normaliser and are words of their own, so each is found whole in the vocabulary. Offsets are
/// mapped from the normalised text back to the caller's by <see cref="NormalizedOffsets"/>.
/// One instance per worker (it reuses a word list); the model is shared.
/// </summary>
internal sealed class WordPieceTokenEncoder : TokenEncoder
{
    private readonly WordPieceModel _model;
    private readonly BertTextNormalizer _plainNormalizer;
    private readonly BertWordSplitter _plainSplitter;
    private readonly BertTextNormalizer _specialNormalizer;
    private readonly BertWordSplitter _specialSplitter;
    private readonly List<(int Offset, int Length)> _words = [];

    /// <param name="model">The vocabulary's model, shared by all encoders of it.</param>
    /// <param name="lowerCase">Uncased model: strip accents and lower-case.</param>
    /// <param name="specials">Spellings encoded as control tokens when special tokens are allowed.</param>
    public WordPieceTokenEncoder(WordPieceModel model, bool lowerCase, IReadOnlyList<string> specials)
    {
        _model = model;
        _plainNormalizer = new BertTextNormalizer(lowerCase);
        _plainSplitter = new BertWordSplitter();
        _specialNormalizer = new BertTextNormalizer(lowerCase, specials);
        _specialSplitter = new BertWordSplitter(specials);
    }

    public override void Encode(string text, bool allowSpecialTokens, List<int> ids, List<Range>? offsets)
    {
        var (normalized, normalizer) = Split(text, allowSpecialTokens);
        var first = offsets?.Count ?? 0;
        foreach (var (offset, length) in _words)
        {
            _model.EncodeWord(normalized.AsSpan(offset, length), offset, ids, offsets);
        }

        if (offsets is null || string.Equals(normalized, text, StringComparison.Ordinal))
        {
            return;
        }

        var map = NormalizedOffsets.Create(text, normalized, normalizer.Append);
        for (var i = first; i < offsets.Count; i++)
        {
            offsets[i] = map.Map(offsets[i]);
        }
    }

    public override int Count(string text, bool allowSpecialTokens)
    {
        var (normalized, _) = Split(text, allowSpecialTokens);
        var count = 0;
        foreach (var (offset, length) in _words)
        {
            count += _model.EncodeWord(normalized.AsSpan(offset, length), offset, null, null);
        }

        return count;
    }

    /// <summary>Normalises <paramref name="text"/> with the normaliser and splitter for
    /// <paramref name="allowSpecialTokens"/> and fills <see cref="_words"/> with its words.</summary>
    private (string Normalized, BertTextNormalizer Normalizer) Split(string text, bool allowSpecialTokens)
    {
        var normalizer = allowSpecialTokens ? _specialNormalizer : _plainNormalizer;
        var splitter = allowSpecialTokens ? _specialSplitter : _plainSplitter;
        _words.Clear();
        var normalized = normalizer.Normalize(text);
        splitter.Split(normalized, _words);
        return (normalized, normalizer);
    }
}
