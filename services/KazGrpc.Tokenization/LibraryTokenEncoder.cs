using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// A <see cref="TokenEncoder"/> over two Microsoft.ML.Tokenizers instances: one whose
/// pre-tokenizer knows no special tokens (user text) and one that splits on them (trusted text).
/// Offsets are mapped from the library's normalised text back to the caller's text.
/// </summary>
internal sealed class LibraryTokenEncoder : TokenEncoder
{
    private readonly Tokenizer _plain;
    private readonly Lazy<Tokenizer> _special;
    private readonly Func<string, string>? _prepare;
    private readonly int? _unknownId;

    /// <param name="plain">Instance for user text: special-token spellings are plain text.</param>
    /// <param name="special">Creates the instance that encodes special-token spellings as control
    /// tokens; created on first use, since few requests need it.</param>
    /// <param name="prepare">Normalisation applied before the library's, where the library's own
    /// is wrong; offsets still refer to the caller's text.</param>
    /// <param name="unknownId">When set, a run of this id is encoded as one token, as SentencePiece
    /// does for consecutive unknown characters; Microsoft.ML.Tokenizers 2.0.1 emits one per character.</param>
    public LibraryTokenEncoder(Tokenizer plain, Func<Tokenizer> special, Func<string, string>? prepare = null, int? unknownId = null)
    {
        _plain = plain;
        _special = new Lazy<Tokenizer>(special, LazyThreadSafetyMode.ExecutionAndPublication);
        _prepare = prepare;
        _unknownId = unknownId;
    }

    public override void Encode(string text, bool allowSpecialTokens, List<int> ids, List<Range>? offsets)
    {
        var tokenizer = allowSpecialTokens ? _special.Value : _plain;
        var first = ids.Count;
        var prepared = _prepare is null ? text : _prepare(text);
        if (offsets is null)
        {
            foreach (var id in tokenizer.EncodeToIds(prepared))
            {
                if (!ContinuesUnknownRun(ids, first, id))
                {
                    ids.Add(id);
                }
            }

            return;
        }

        var tokens = tokenizer.EncodeToTokens(prepared, out var normalized);
        normalized ??= prepared;
        var map = string.Equals(normalized, text, StringComparison.Ordinal)
            ? null
            : NormalizedOffsets.Create(text, normalized, tokenizer.Normalizer is BertTextNormalizer bert ? bert.Append : null);
        var rebase = new SegmentRebase((tokenizer as SentencePieceTokenizer)?.SpecialTokens);
        foreach (var token in tokens)
        {
            var offset = rebase.Apply(token);
            var range = map is null ? offset : map.Map(offset);
            if (ContinuesUnknownRun(ids, first, token.Id))
            {
                offsets[^1] = offsets[^1].Start..range.End;
                continue;
            }

            ids.Add(token.Id);
            offsets.Add(range);
        }
    }

    public override int Count(string text, bool allowSpecialTokens)
    {
        if (_unknownId is null)
        {
            return (allowSpecialTokens ? _special.Value : _plain).CountTokens(_prepare is null ? text : _prepare(text));
        }

        var ids = new List<int>();
        Encode(text, allowSpecialTokens, ids, null);
        return ids.Count;
    }

    private bool ContinuesUnknownRun(List<int> ids, int first, int id) =>
        id == _unknownId && ids.Count > first && ids[^1] == id;

    /// <summary>
    /// Microsoft.ML.Tokenizers 2.0.1's SentencePiece BPE reports the offsets of the text after a
    /// special token relative to that text, not to the whole normalised text; the unigram model
    /// does not. A segment whose first token starts before the special token ends is shifted.
    /// </summary>
    private struct SegmentRebase
    {
        private readonly IReadOnlyDictionary<string, int>? _specials;
        private int _segmentStart;
        private bool _afterSpecial;
        private bool _shift;

        public SegmentRebase(IReadOnlyDictionary<string, int>? specials)
        {
            _specials = specials is { Count: > 0 } ? specials : null;
        }

        public Range Apply(EncodedToken token)
        {
            if (_specials is null)
            {
                return token.Offset;
            }

            var (start, length) = (token.Offset.Start.Value, token.Offset.End.Value - token.Offset.Start.Value);
            // An unknown character also has the unknown token's id; only the spelling itself is special.
            if (_specials.TryGetValue(token.Value, out var id) && id == token.Id)
            {
                _segmentStart = start + length;
                _afterSpecial = true;
                _shift = false;
                return token.Offset;
            }

            if (_afterSpecial)
            {
                _shift = start < _segmentStart;
                _afterSpecial = false;
            }

            return _shift ? (_segmentStart + start)..(_segmentStart + start + length) : token.Offset;
        }
    }
}
