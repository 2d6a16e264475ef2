using System.Text;

namespace KazGrpc.Text;

/// <summary>
/// Converts Kazakh between the Cyrillic alphabet and the official Latin alphabet of January 2021
/// (31 letters: A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z), letter by letter,
/// keeping case and leaving everything else (digits, punctuation, other scripts) as it is.
/// Native Kazakh words convert there and back unchanged. What does not come back: И and Й are both
/// İ/i (back: Й after a vowel, И elsewhere); Х and Һ are both H/h (back: Х); and the letters of
/// Russian loanwords that the Latin alphabet has no letter for are spelled with others (Ё io, Ц ts,
/// Ч ch, Щ şş, Э e, Ю iu, Я ia; Ъ and Ь dropped), which come back as those letters (but ch as Ч,
/// since c is no letter of the alphabet). Щ is also in three native words (ащы, тұщы, кеще).
/// A letter typed as its base letter and a combining mark (ä as a + U+0308, й as и + U+0306)
/// converts as the precomposed letter. Thread-safe.
/// </summary>
public static class KazakhScript
{
    private static readonly Dictionary<char, string> ToLatinMap = BuildToLatin();
    private static readonly Dictionary<char, char> ToCyrillicMap = BuildToCyrillic();

    // Letters with a diacritic, as a base letter and a combining mark. A table, not string.Normalize:
    // the services run with invariant globalization, where Normalize does not compose.
    private static readonly Dictionary<(char Letter, char Mark), char> Compositions = new()
    {
        [('a', '\u0308')] = 'ä', [('A', '\u0308')] = 'Ä', [('o', '\u0308')] = 'ö', [('O', '\u0308')] = 'Ö',
        [('u', '\u0308')] = 'ü', [('U', '\u0308')] = 'Ü', [('u', '\u0304')] = 'ū', [('U', '\u0304')] = 'Ū',
        [('n', '\u0303')] = 'ñ', [('N', '\u0303')] = 'Ñ', [('g', '\u0306')] = 'ğ', [('G', '\u0306')] = 'Ğ',
        [('s', '\u0327')] = 'ş', [('S', '\u0327')] = 'Ş', [('I', '\u0307')] = 'İ',
        [('и', '\u0306')] = 'й', [('И', '\u0306')] = 'Й', [('е', '\u0308')] = 'ё', [('Е', '\u0308')] = 'Ё',
    };

    /// <summary>
    /// <paramref name="text"/> in the <paramref name="target"/> script: <see cref="ToLatin(string)"/>
    /// or <see cref="ToCyrillic(string)"/>.
    /// </summary>
    public static string Convert(string text, Script target) => target switch
    {
        Script.Latin => ToLatin(text),
        Script.Cyrillic => ToCyrillic(text),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "target must be Cyrillic or Latin"),
    };

    /// <summary>The Latin spelling of <paramref name="text"/>.</summary>
    /// <remarks>A letter typed as a base letter and a combining mark (й as и + U+0306, ё as е + U+0308) converts as the precomposed letter.</remarks>
    public static string ToLatin(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var start = i;
            var c = text[i];
            if (Composed(text, i, out var precomposed) && !char.IsAsciiLetter(c))
            {
                c = precomposed;
                i++;
            }

            if (!ToLatinMap.TryGetValue(c, out var latin))
            {
                builder.Append(c);
                continue;
            }

            // A loan digraph of a capital keeps its second letter small unless the word is in capitals.
            // The letter before is the one before start: a composed letter's own base is a capital.
            if (latin.Length > 1 && char.IsUpper(c) && !(NextIsUpper(text, i) || PreviousIsUpper(text, start)))
            {
                builder.Append(latin[0]).Append(latin.AsSpan(1).ToString().ToLowerInvariant());
            }
            else
            {
                builder.Append(latin);
            }
        }

        return builder.ToString();
    }

    /// <summary>The Cyrillic spelling of Latin-script Kazakh <paramref name="text"/>. Latin letters outside the alphabet (c, w, x) stay as they are.</summary>
    /// <remarks>A letter typed as a base letter and a combining mark (ä as a + U+0308, ş as s + U+0327,
    /// İ as I + U+0307) converts as the precomposed letter, as keyboards and PDFs often give it.</remarks>
    public static string ToCyrillic(string text) => ToCyrillic(text, null);

    /// <summary>
    /// The Cyrillic spelling of <paramref name="text"/>, as <see cref="ToCyrillic(string)"/>, and where
    /// each of its UTF-16 units came from: <paramref name="sourceIndex"/>[i] is the index in
    /// <paramref name="text"/> of the unit that output unit i was made from (one output unit may
    /// stand for two input units: ch, a letter and its combining mark), and
    /// <paramref name="sourceIndex"/>[result.Length] is <paramref name="text"/>'s length. So a span
    /// [start, end) of the result is the span [sourceIndex[start], sourceIndex[end]) of the input.
    /// </summary>
    public static string ToCyrillic(string text, out int[] sourceIndex)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = new List<int>(text.Length + 1);
        var result = ToCyrillic(text, index);
        index.Add(text.Length);
        sourceIndex = [.. index];
        return result;
    }

    private static string ToCyrillic(string text, List<int>? sourceIndex)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var start = i;
            var c = text[i];
            if (Composed(text, i, out var precomposed) && char.IsAsciiLetter(c))
            {
                c = precomposed;
                i++;
            }

            if (c is 'c' or 'C' && i + 1 < text.Length && text[i + 1] is 'h' or 'H')
            {
                // c is not a letter of the alphabet: ch can only be the Ч of a loanword.
                builder.Append(c == 'c' ? 'ч' : 'Ч');
                i++;
            }
            else if (c is 'i' or 'İ')
            {
                // One Latin letter for two Cyrillic ones: Й closes a syllable after a vowel (ай, үй, сый), И starts one.
                var afterVowel = FollowsVowel(text, start);
                builder.Append(c == 'i' ? (afterVowel ? 'й' : 'и') : (afterVowel ? 'Й' : 'И'));
            }
            else
            {
                builder.Append(ToCyrillicMap.TryGetValue(c, out var cyrillic) ? cyrillic : c);
            }

            sourceIndex?.Add(start);
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="text"/>[i] and a combining mark after it spell a letter
    /// of either alphabet that has a precomposed character, returned in <paramref name="precomposed"/>.</summary>
    private static bool Composed(string text, int i, out char precomposed)
    {
        precomposed = default;
        return i + 1 < text.Length && text[i + 1] is >= '\u0300' and <= '\u036F'
            && Compositions.TryGetValue((text[i], text[i + 1]), out precomposed);
    }

    private static bool NextIsUpper(string text, int i) => i + 1 < text.Length && char.IsUpper(text[i + 1]);

    private static bool PreviousIsUpper(string text, int i) => i > 0 && char.IsUpper(text[i - 1]);

    private static bool IsLatinVowel(char c) => "aäeıioöuūüyAÄEIİOÖUŪÜY".Contains(c, StringComparison.Ordinal);

    // A letter typed with a combining mark (a + U+0308) is a vowel when its base letter is: the check looks past the marks.
    private static bool FollowsVowel(string text, int i)
    {
        var j = i - 1;
        while (j > 0 && text[j] is >= '\u0300' and <= '\u036F')
        {
            j--;
        }

        return j >= 0 && IsLatinVowel(text[j]);
    }

    private static Dictionary<char, string> BuildToLatin()
    {
        // Lower-case pairs; capitals are derived below.
        (char Cyrillic, string Latin)[] letters =
        [
            ('а', "a"), ('ә', "ä"), ('б', "b"), ('в', "v"), ('г', "g"), ('ғ', "ğ"), ('д', "d"), ('е', "e"), ('ё', "io"),
            ('ж', "j"), ('з', "z"), ('и', "i"), ('й', "i"), ('і', "ı"), ('к', "k"), ('қ', "q"), ('л', "l"), ('м', "m"),
            ('н', "n"), ('ң', "ñ"), ('о', "o"), ('ө', "ö"), ('п', "p"), ('р', "r"), ('с', "s"), ('т', "t"), ('у', "u"),
            ('ұ', "ū"), ('ү', "ü"), ('ф', "f"), ('х', "h"), ('һ', "h"), ('ц', "ts"), ('ч', "ch"), ('ш', "ş"), ('щ', "şş"),
            ('ъ', ""), ('ы', "y"), ('ь', ""), ('э', "e"), ('ю', "iu"), ('я', "ia"),
        ];
        var map = new Dictionary<char, string>();
        foreach (var (cyrillic, latin) in letters)
        {
            map[cyrillic] = latin;
            map[UpperCyrillic(cyrillic)] = UpperLatin(latin);
        }

        return map;
    }

    private static Dictionary<char, char> BuildToCyrillic()
    {
        // The letters with one Cyrillic counterpart; i/İ are decided by context in ToCyrillic.
        (char Latin, char Cyrillic)[] letters =
        [
            ('a', 'а'), ('ä', 'ә'), ('b', 'б'), ('d', 'д'), ('e', 'е'), ('f', 'ф'), ('g', 'г'), ('ğ', 'ғ'), ('h', 'х'),
            ('ı', 'і'), ('j', 'ж'), ('k', 'к'), ('l', 'л'), ('m', 'м'), ('n', 'н'), ('ñ', 'ң'), ('o', 'о'), ('ö', 'ө'),
            ('p', 'п'), ('q', 'қ'), ('r', 'р'), ('s', 'с'), ('ş', 'ш'), ('t', 'т'), ('u', 'у'), ('ū', 'ұ'), ('ü', 'ү'),
            ('v', 'в'), ('y', 'ы'), ('z', 'з'),
        ];
        var map = new Dictionary<char, char>();
        foreach (var (latin, cyrillic) in letters)
        {
            map[latin] = cyrillic;
            map[UpperLatin(latin.ToString())[0]] = UpperCyrillic(cyrillic);
        }

        return map;
    }

    // Explicit capitals: the dotless ı and the dotted İ are not what an invariant ToUpper gives.
    private static string UpperLatin(string latin) =>
        string.Concat(latin.Select(c => c switch
        {
            'ı' => 'I',
            'i' => 'İ',
            _ => char.ToUpperInvariant(c),
        }));

    private static char UpperCyrillic(char cyrillic) => char.ToUpperInvariant(cyrillic);
}
