using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Hugging Face's <c>BertNormalizer</c> (clean_text, handle_chinese_chars, strip_accents and
/// lowercase for uncased models), one code point at a time so that offsets can be traced back.
/// Microsoft.ML.Tokenizers' own BertNormalizer differs: it keeps private-use and unassigned code
/// points, and cannot strip accents under <c>InvariantGlobalization</c>.
/// </summary>
internal sealed class BertTextNormalizer : Normalizer
{
    private readonly bool _lowerCase;
    private readonly IReadOnlyList<string> _verbatim;
    private readonly SearchValues<char> _verbatimStarts;

    // What each BMP character normalises to, filled on first sight; one table per casing.
    private static readonly string?[] LowerCaseMap = new string?[char.MaxValue + 1];
    private static readonly string?[] CasedMap = new string?[char.MaxValue + 1];

    /// <param name="lowerCase">Uncased model: strip accents and lower-case.</param>
    /// <param name="verbatim">Spellings copied unchanged (special tokens, when they are allowed), as
    /// Hugging Face matches added tokens before normalising.</param>
    public BertTextNormalizer(bool lowerCase, IReadOnlyList<string>? verbatim = null)
    {
        _lowerCase = lowerCase;
        _verbatim = verbatim ?? [];
        _verbatimStarts = SearchValues.Create([.. _verbatim.Where(v => v.Length > 0).Select(v => v[0]).Distinct()]);
    }

    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var builder = new StringBuilder(original.Length + 16);
        var map = _lowerCase ? LowerCaseMap : CasedMap;
        var index = 0;
        while (index < original.Length)
        {
            var c = original[index];
            if (_verbatimStarts.Contains(c))
            {
                var kept = MatchVerbatim(original[index..]);
                if (kept > 0)
                {
                    builder.Append(original.Slice(index, kept));
                    index += kept;
                    continue;
                }
            }

            if (!char.IsSurrogate(c))
            {
                // A character of the Basic Multilingual Plane always normalises the same way: once
                // worked out, its result is kept (a benign race: every thread computes the same string).
                var mapped = map[c] ??= Map(new Rune(c));
                if (mapped.Length == 1)
                {
                    builder.Append(mapped[0]);
                }
                else
                {
                    builder.Append(mapped);
                }

                index++;
                continue;
            }

            if (Rune.DecodeFromUtf16(original[index..], out var rune, out var width) != System.Buffers.OperationStatus.Done)
            {
                // A lone surrogate reaches Hugging Face as U+FFFD, which clean_text removes.
                index += width;
                continue;
            }

            Append(rune, builder);
            index += width;
        }

        return builder.ToString();
    }

    private string Map(Rune rune)
    {
        var builder = new StringBuilder(4);
        Append(rune, builder);
        return builder.ToString();
    }

    public void Append(Rune rune, StringBuilder destination)
    {
        var value = rune.Value;
        if (value is '\t' or '\n' or '\r')
        {
            destination.Append(' ');
            return;
        }

        if (value is 0 or 0xFFFD || IsOther(rune))
        {
            return;
        }

        if (Rune.IsWhiteSpace(rune))
        {
            destination.Append(' ');
            return;
        }

        var cjk = IsCjk(value);
        if (cjk)
        {
            destination.Append(' ');
        }

        if (_lowerCase)
        {
            var start = destination.Length;
            AccentFolding.Append(rune, destination);
            Span<char> pair = stackalloc char[2];
            for (var i = start; i < destination.Length; i++)
            {
                if (char.IsSurrogate(destination[i]))
                {
                    // Astral letters (Deseret, Adlam, ...) lower-case as a pair.
                    Rune.ToLowerInvariant(new Rune(destination[i], destination[i + 1])).EncodeToUtf16(pair);
                    destination[i] = pair[0];
                    destination[i + 1] = pair[1];
                    i++;
                }
                else
                {
                    destination[i] = char.ToLowerInvariant(destination[i]);
                }
            }
        }
        else
        {
            AccentFolding.AppendRune(destination, rune);
        }

        if (cjk)
        {
            destination.Append(' ');
        }
    }

    private int MatchVerbatim(ReadOnlySpan<char> text)
    {
        foreach (var spelling in _verbatim)
        {
            if (text.StartsWith(spelling, StringComparison.Ordinal))
            {
                return spelling.Length;
            }
        }

        return 0;
    }

    // Rust's char::is_other: control, format, surrogate, private use, unassigned.
    private static bool IsOther(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    // The CJK blocks Hugging Face (and Google's BERT) surround with spaces.
    private static bool IsCjk(int value) => value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF)
        or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F)
        or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
