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
/// </summary>
public static class KazakhScript
{
    private static readonly Dictionary<char, string> ToLatinMap = BuildToLatin();
    private static readonly Dictionary<char, char> ToCyrillicMap = BuildToCyrillic();

    /// <summary>The Latin spelling of <paramref name="text"/>.</summary>
    public static string ToLatin(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!ToLatinMap.TryGetValue(c, out var latin))
            {
                builder.Append(c);
                continue;
            }

            // A loan digraph of a capital keeps its second letter small unless the word is in capitals.
            if (latin.Length > 1 && char.IsUpper(c) && !(NextIsUpper(text, i) || PreviousIsUpper(text, i)))
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
    public static string ToCyrillic(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is 'c' or 'C' && i + 1 < text.Length && text[i + 1] is 'h' or 'H')
            {
                // c is not a letter of the alphabet: ch can only be the Ч of a loanword.
                builder.Append(c == 'c' ? 'ч' : 'Ч');
                i++;
            }
            else if (c is 'i' or 'İ')
            {
                // One Latin letter for two Cyrillic ones: Й closes a syllable after a vowel (ай, үй, сый), И starts one.
                var afterVowel = i > 0 && IsLatinVowel(text[i - 1]);
                builder.Append(c == 'i' ? (afterVowel ? 'й' : 'и') : (afterVowel ? 'Й' : 'И'));
            }
            else
            {
                builder.Append(ToCyrillicMap.TryGetValue(c, out var cyrillic) ? cyrillic : c);
            }
        }

        return builder.ToString();
    }

    private static bool NextIsUpper(string text, int i) => i + 1 < text.Length && char.IsUpper(text[i + 1]);

    private static bool PreviousIsUpper(string text, int i) => i > 0 && char.IsUpper(text[i - 1]);

    private static bool IsLatinVowel(char c) => "aäeıioöuūüyAÄEIİOÖUŪÜY".Contains(c, StringComparison.Ordinal);

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
