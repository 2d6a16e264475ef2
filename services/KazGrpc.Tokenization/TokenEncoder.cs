namespace KazGrpc.Tokenization;

/// <summary>
/// Encodes text to ids with one tokenizer. Instances are not shared between threads at the same
/// time (the library's word caches take locks): <see cref="TokenizerPool"/> hands one to each worker.
/// Framing tokens (BOS, [CLS]/[SEP]) are never added here; <see cref="TokenizationService"/> adds them.
/// </summary>
public abstract class TokenEncoder
{
    /// <summary>Appends the ids of <paramref name="text"/> and, when <paramref name="offsets"/> is
    /// given, each id's span in UTF-16 units of <paramref name="text"/>.</summary>
    /// <param name="text">The text, as the caller sent it.</param>
    /// <param name="allowSpecialTokens">Encode special-token spellings as control tokens; when false
    /// they are plain text.</param>
    /// <param name="ids">Receives the ids.</param>
    /// <param name="offsets">Receives the spans, or <c>null</c> when not wanted.</param>
    public abstract void Encode(string text, bool allowSpecialTokens, List<int> ids, List<Range>? offsets);

    /// <summary>Counts the ids <see cref="Encode"/> would produce.</summary>
    public abstract int Count(string text, bool allowSpecialTokens);
}
