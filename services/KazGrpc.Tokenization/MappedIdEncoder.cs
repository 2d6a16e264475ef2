namespace KazGrpc.Tokenization;

/// <summary>
/// A <see cref="TokenEncoder"/> whose ids are another encoder's, each mapped through a function:
/// the ids of a SentencePiece model as fairseq renumbered them (XLM-RoBERTa). Counts and offsets
/// are the inner encoder's.
/// </summary>
internal sealed class MappedIdEncoder(TokenEncoder inner, Func<int, int> map) : TokenEncoder
{
    public override void Encode(string text, bool allowSpecialTokens, List<int> ids, List<Range>? offsets)
    {
        var first = ids.Count;
        inner.Encode(text, allowSpecialTokens, ids, offsets);
        for (var i = first; i < ids.Count; i++)
        {
            ids[i] = map(ids[i]);
        }
    }

    public override int Count(string text, bool allowSpecialTokens) => inner.Count(text, allowSpecialTokens);
}
