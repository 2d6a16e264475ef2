using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// A <see cref="TokenEncoder"/> over two Microsoft.ML.Tokenizers instances: one whose
/// pre-tokenizer knows no special tokens (user text) and one that splits on them (trusted text).
/// </summary>
internal sealed class LibraryTokenEncoder : TokenEncoder
{
    private readonly Tokenizer _plain;
    private readonly Lazy<Tokenizer> _special;
    private readonly Func<string, string>? _prepare;

    /// <param name="plain">Instance for user text: special-token spellings are plain text.</param>
    /// <param name="special">Creates the instance that encodes special-token spellings as control
    /// tokens; created on first use, since few requests need it.</param>
    /// <param name="prepare">Length-preserving normalisation applied first (e.g. BERT whitespace).</param>
    public LibraryTokenEncoder(Tokenizer plain, Func<Tokenizer> special, Func<string, string>? prepare = null)
    {
        _plain = plain;
        _special = new Lazy<Tokenizer>(special, LazyThreadSafetyMode.ExecutionAndPublication);
        _prepare = prepare;
    }

    public override void Encode(string text, bool allowSpecialTokens, List<int> ids, List<Range>? offsets)
    {
        var tokenizer = allowSpecialTokens ? _special.Value : _plain;
        var prepared = _prepare is null ? text : _prepare(text);
        if (offsets is null)
        {
            ids.AddRange(tokenizer is BertTokenizer bert
                ? bert.EncodeToIds(prepared, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true)
                : tokenizer.EncodeToIds(prepared));
            return;
        }

        var tokens = tokenizer.EncodeToTokens(prepared, out _);
        foreach (var token in tokens)
        {
            ids.Add(token.Id);
            offsets.Add(token.Offset);
        }
    }

    public override int Count(string text, bool allowSpecialTokens)
    {
        var tokenizer = allowSpecialTokens ? _special.Value : _plain;
        var prepared = _prepare is null ? text : _prepare(text);
        return tokenizer is BertTokenizer bert
            ? bert.EncodeToIds(prepared, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true).Count
            : tokenizer.CountTokens(prepared);
    }
}
