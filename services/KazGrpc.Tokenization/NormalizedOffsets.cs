using System.Buffers;
using System.Text;

namespace KazGrpc.Tokenization;

/// <summary>
/// Maps positions in a tokenizer's normalised text back to the text the caller sent. Tokenizers
/// report offsets into their normalised text, which differs from the original by a dummy prefix
/// (<c>▁</c>), escaped or collapsed whitespace, removed control characters, spaces around CJK
/// characters, stripped accents, lower case and NFKC. The two texts are walked together: each
/// original code point is expected to become what the normaliser makes of it on its own (itself
/// by default); when it does not, a short look-ahead finds where the texts agree again.
/// </summary>
internal sealed class NormalizedOffsets
{
    private const char Metaspace = '\u2581';
    private const int LookAhead = 6;

    private readonly int[] _start;
    private readonly int[] _end;
    private readonly int _originalLength;

    private NormalizedOffsets(int[] start, int[] end, int originalLength)
    {
        _start = start;
        _end = end;
        _originalLength = originalLength;
    }

    /// <summary>Aligns <paramref name="normalized"/> with <paramref name="original"/>.</summary>
    /// <param name="original">The text the caller sent.</param>
    /// <param name="normalized">The tokenizer's normalised text.</param>
    /// <param name="expected">Appends what one original code point normalises to, when the normaliser
    /// works code point by code point; null for the identity.</param>
    public static NormalizedOffsets Create(string original, string normalized, Action<Rune, StringBuilder>? expected)
    {
        var aligner = new Aligner(original, normalized, expected);
        return aligner.Run();
    }

    /// <summary>The span of the original text that produced <paramref name="normalized"/>.</summary>
    public Range Map(Range normalized)
    {
        var length = _start.Length;
        var start = Math.Clamp(normalized.Start.GetOffset(length), 0, length);
        var end = Math.Clamp(normalized.End.GetOffset(length), start, length);
        var from = start < length ? _start[start] : _originalLength;
        if (end == start)
        {
            return from..from;
        }

        return from..Math.Max(from, _end[end - 1]);
    }

    private sealed class Aligner
    {
        private readonly string _original;
        private readonly string _normalized;
        private readonly Action<Rune, StringBuilder>? _expected;
        private readonly StringBuilder _scratch = new();
        private readonly int[] _start;
        private readonly int[] _end;

        public Aligner(string original, string normalized, Action<Rune, StringBuilder>? expected)
        {
            _original = original;
            _normalized = normalized;
            _expected = expected;
            _start = new int[normalized.Length];
            _end = new int[normalized.Length];
        }

        public NormalizedOffsets Run()
        {
            var i = 0;
            var j = 0;
            while (j < _normalized.Length)
            {
                if (i >= _original.Length)
                {
                    Set(j, 1, _original.Length, _original.Length);
                    j++;
                    continue;
                }

                var width = RuneAt(i, out var rune);
                var matched = MatchLength(rune, j);
                if (matched == 1 && _expected is null && InsertedSpaces(i, j))
                {
                    // More spaces here than in the original (" a" -> "▁▁a"): the first is the dummy
                    // prefix. (A code-point normaliser's expectation already holds its inserted spaces.)
                    Set(j, 1, i, i);
                    j++;
                }
                else if (matched > 0)
                {
                    Set(j, matched, i, i + width);
                    i += width;
                    j += matched;
                }
                else if (matched == 0)
                {
                    // The normaliser removed this code point.
                    i += width;
                }
                else if (_normalized[j] is ' ' or Metaspace)
                {
                    // Inserted: a dummy prefix, or padding around a CJK character.
                    Set(j, 1, i, i);
                    j++;
                }
                else if (Rune.IsWhiteSpace(rune))
                {
                    // Collapsed or trimmed whitespace.
                    i += width;
                }
                else if (Resync(i, j, out var skipOriginal, out var skipNormalized))
                {
                    Set(j, skipNormalized, i, i + skipOriginal);
                    i += skipOriginal;
                    j += skipNormalized;
                }
                else
                {
                    Set(j, 1, i, i + width);
                    i += width;
                    j++;
                }
            }

            return new NormalizedOffsets(_start, _end, _original.Length);
        }

        private bool InsertedSpaces(int i, int j)
        {
            var original = 0;
            while (i + original < _original.Length && _original[i + original] == ' ')
            {
                original++;
            }

            var normalized = 0;
            while (j + normalized < _normalized.Length && _normalized[j + normalized] is (' ' or Metaspace))
            {
                normalized++;
            }

            return normalized > original;
        }

        private void Set(int j, int count, int start, int end)
        {
            for (var k = j; k < j + count; k++)
            {
                _start[k] = start;
                _end[k] = end;
            }
        }

        private int RuneAt(int i, out Rune rune)
        {
            if (Rune.DecodeFromUtf16(_original.AsSpan(i), out rune, out var width) != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            return Math.Max(width, 1);
        }

        /// <summary>Length of the normalised text at <paramref name="j"/> that <paramref name="rune"/>
        /// became: 0 when it normalises to nothing, -1 when the texts differ here.</summary>
        private int MatchLength(Rune rune, int j)
        {
            _scratch.Clear();
            if (_expected is null)
            {
                AccentFolding.AppendRune(_scratch, rune);
            }
            else
            {
                _expected(rune, _scratch);
            }

            if (_scratch.Length == 0)
            {
                return 0;
            }

            if (j + _scratch.Length > _normalized.Length)
            {
                return -1;
            }

            for (var k = 0; k < _scratch.Length; k++)
            {
                var want = _scratch[k];
                var have = _normalized[j + k];
                if (want != have && !(want == ' ' && have == Metaspace))
                {
                    return -1;
                }
            }

            return _scratch.Length;
        }

        /// <summary>Finds the nearest place where both texts agree for two code points in a row, so
        /// that a replacement of different length (NFKC's "№" -> "No") does not shift what follows.</summary>
        private bool Resync(int i, int j, out int skipOriginal, out int skipNormalized)
        {
            for (var distance = 1; distance <= LookAhead; distance++)
            {
                for (var a = 0; a <= distance; a++)
                {
                    var b = distance - a;
                    var oi = i + a;
                    var nj = j + b;
                    if (oi > _original.Length || nj > _normalized.Length || (oi < _original.Length && char.IsLowSurrogate(_original[oi])))
                    {
                        continue;
                    }

                    if (Agrees(oi, nj, remaining: 2))
                    {
                        skipOriginal = a;
                        skipNormalized = b;
                        return true;
                    }
                }
            }

            skipOriginal = 0;
            skipNormalized = 0;
            return false;
        }

        private bool Agrees(int i, int j, int remaining)
        {
            if (remaining == 0 || (i >= _original.Length && j >= _normalized.Length))
            {
                return true;
            }

            if (i >= _original.Length || j >= _normalized.Length)
            {
                return false;
            }

            var width = RuneAt(i, out var rune);
            var matched = MatchLength(rune, j);
            return matched > 0 && Agrees(i + width, j + matched, remaining - 1);
        }
    }
}
