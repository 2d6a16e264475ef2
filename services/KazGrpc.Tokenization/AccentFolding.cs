using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace KazGrpc.Tokenization;

/// <summary>
/// Hugging Face BertNormalizer's <c>strip_accents</c>: canonical decomposition (NFD), then every
/// non-spacing mark (Mn) removed. .NET cannot decompose strings when it runs with
/// <c>InvariantGlobalization</c> (<c>string.Normalize</c> returns its input unchanged), so the
/// decompositions come from a table generated from Python's <c>unicodedata</c>
/// (<c>Data/strip-accents.py</c>) and Hangul syllables are decomposed by formula.
/// </summary>
internal static class AccentFolding
{
    private const int HangulFirst = 0xAC00;
    private const int HangulLast = 0xD7A3;

    private static readonly Lazy<FrozenDictionary<int, string>> Table = new(Load);

    /// <summary>Appends what is left of <paramref name="rune"/> once decomposed and stripped of
    /// non-spacing marks: nothing for a mark, the base letter for an accented letter.</summary>
    public static void Append(Rune rune, StringBuilder destination)
    {
        var value = rune.Value;
        if (value < 0xC0)
        {
            // ASCII and Latin-1 up to '¿': no canonical decompositions, no marks.
            destination.Append((char)value);
            return;
        }

        if (value is >= HangulFirst and <= HangulLast)
        {
            // Unicode's algorithmic decomposition into leading consonant, vowel and optional trailing consonant.
            var index = value - HangulFirst;
            destination.Append((char)(0x1100 + (index / 588)));
            destination.Append((char)(0x1161 + (index % 588 / 28)));
            if (index % 28 != 0)
            {
                destination.Append((char)(0x11A7 + (index % 28)));
            }

            return;
        }

        if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
        {
            return;
        }

        if (Table.Value.TryGetValue(value, out var stripped))
        {
            destination.Append(stripped);
            return;
        }

        AppendRune(destination, rune);
    }

    /// <summary>Appends <paramref name="rune"/>'s UTF-16 code units without allocating.</summary>
    public static void AppendRune(StringBuilder destination, Rune rune)
    {
        Span<char> chars = stackalloc char[2];
        destination.Append(chars[..rune.EncodeToUtf16(chars)]);
    }

    private static FrozenDictionary<int, string> Load()
    {
        using var stream = typeof(AccentFolding).Assembly.GetManifestResourceStream("KazGrpc.Tokenization.strip-accents.txt")
            ?? throw new InvalidOperationException("resource strip-accents.txt is missing from KazGrpc.Tokenization");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var table = new Dictionary<int, string>(2100);
        var builder = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split(' ');
            builder.Clear();
            foreach (var field in fields.AsSpan(1))
            {
                builder.Append(char.ConvertFromUtf32(int.Parse(field, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            table[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = builder.ToString();
        }

        return table.ToFrozenDictionary();
    }
}
