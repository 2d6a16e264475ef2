using System.Text;

namespace KazGrpc.Tools.Tests;

/// <summary>Seeded random text that exercises the split pattern: scripts, digits, punctuation,
/// runs of whitespace, contractions, emoji and combining marks.</summary>
internal static class GeneratedText
{
    private static readonly string[] Pieces =
    [
        "қазақ", "Әлем", "ұлттық", "ңғүөһі", "Үкімет", "мемлекет", "Привет", "ёжик", "ЩУКА", "hello", "World", "GPT",
        "naïve", "e\u0301", "Zürich", "中文", "日本語", "한국어", "العربية", "עברית", "हिन्दी", "ไทย",
        "0", "7", "42", "1234567", "3.14", "٣٤", "²", "Ⅻ",
        ".", ",", "!", "?", "...", "—", "-", "«", "»", "\"", "(", ")", "[", "]", "{", "}", "<", ">", "|", "/", "\\", "@", "#",
        "$", "%", "&", "*", "+", "=", "~", "`", "^", "_", ";", ":", "№",
        "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'x",
        "😀", "👍🏽", "🇰🇿", "👨‍👩‍👧‍👦", "🙂", "\u200d", "\u00ad",
    ];

    private static readonly string[] Spaces = [" ", " ", " ", "", "", "  ", "   ", "\n", "\n\n", "\t", "\r\n", " \n ", "\u00a0", "\u3000"];

    public static IReadOnlyList<string> Create(int seed, int count)
    {
        var random = new Random(seed);
        var texts = new List<string>(count);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Clear();
            var length = random.Next(1, 25);
            for (var j = 0; j < length; j++)
            {
                text.Append(Spaces[random.Next(Spaces.Length)]);
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            if (random.Next(4) == 0)
            {
                text.Append(Spaces[random.Next(Spaces.Length)]);
            }

            texts.Add(text.ToString());
        }

        return texts;
    }
}
