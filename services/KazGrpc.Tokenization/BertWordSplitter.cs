using System.Text;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Hugging Face's <c>BertPreTokenizer</c>: words are separated by whitespace, and every punctuation
/// character (ASCII punctuation and Unicode categories P*) is a word of its own. Microsoft.ML.Tokenizers'
/// word-or-punctuation pre-tokenizer drops symbols such as <c>$ + = &lt; &gt; | ~ ^ `</c> and emoji.
/// </summary>
internal sealed class BertWordSplitter : PreTokenizer
{
    private readonly IReadOnlyList<string> _specials;

    /// <param name="specials">Spellings that are words of their own wherever they occur (special
    /// tokens, when they are allowed).</param>
    public BertWordSplitter(IReadOnlyList<string>? specials = null) => _specials = specials ?? [];

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => PreTokenize(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var words = new List<(int Offset, int Length)>();
        Split(text, words);
        return words;
    }

    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="words"/>, which the
    /// caller may reuse from text to text.</summary>
    public void Split(ReadOnlySpan<char> text, List<(int Offset, int Length)> words)
    {
        var wordStart = -1;
        var index = 0;
        while (index < text.Length)
        {
            var special = MatchSpecial(text[index..]);
            if (special > 0)
            {
                Flush(words, ref wordStart, index);
                words.Add((index, special));
                index += special;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[index..], out var rune, out var width) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                Flush(words, ref wordStart, index);
            }
            else if (IsPunctuation(rune))
            {
                Flush(words, ref wordStart, index);
                words.Add((index, width));
            }
            else if (wordStart < 0)
            {
                wordStart = index;
            }

            index += width;
        }

        Flush(words, ref wordStart, index);
    }

    private static void Flush(List<(int Offset, int Length)> words, ref int wordStart, int end)
    {
        if (wordStart >= 0)
        {
            words.Add((wordStart, end - wordStart));
            wordStart = -1;
        }
    }

    private int MatchSpecial(ReadOnlySpan<char> text)
    {
        foreach (var spelling in _specials)
        {
            if (text.StartsWith(spelling, StringComparison.Ordinal))
            {
                return spelling.Length;
            }
        }

        return 0;
    }

    private static bool IsPunctuation(Rune rune) => rune.IsAscii
        ? rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        : Rune.IsPunctuation(rune);
}
