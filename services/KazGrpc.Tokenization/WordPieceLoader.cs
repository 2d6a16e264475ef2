using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Builds BERT WordPiece tokenizers from <c>vocab.txt</c> that tokenize as Hugging Face's
/// <c>BertTokenizer</c> does for uncased models: whitespace (<c>\t</c>, <c>\n</c>, <c>\r</c>)
/// separates words (the library would delete it and merge the words around it), control
/// characters are removed, text is lower-cased and accents are stripped.
/// </summary>
public static class WordPieceLoader
{
    private static readonly string[] SpecialSpellings = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>Loads <paramref name="vocabPath"/>; max length defaults to 512 tokens.</summary>
    public static TokenizerDefinition Load(string name, string vocabPath, ModelTokenizerConfig config)
    {
        var vocab = File.ReadAllBytes(vocabPath);
        var lines = Encoding.UTF8.GetString(vocab).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var table = new byte[]?[count];
        var specials = new List<SpecialToken>();
        for (var id = 0; id < count; id++)
        {
            var token = lines[id].TrimEnd('\r');
            if (Array.IndexOf(SpecialSpellings, token) >= 0)
            {
                specials.Add(new SpecialToken(token, id));
            }

            // Words are joined by spaces and "##" pieces continue the word before them; the decoder
            // drops the space before the first word of a sequence.
            table[id] = token.StartsWith("##", StringComparison.Ordinal) && token.Length > 2
                ? Encoding.UTF8.GetBytes(token[2..])
                : Encoding.UTF8.GetBytes(" " + token);
        }

        var lowerCase = config.DoLowerCase ?? true;
        int? Special(string content) => specials.Find(s => s.Content == content) is { Content: not null } s ? s.Id : null;
        var cls = Special("[CLS]");
        var sep = Special("[SEP]");
        var definition = new TokenizerDefinition
        {
            Name = name,
            Kind = TokenizerKind.WordPiece,
            Bytes = new TokenBytes(table, specials.Select(s => s.Id), stripLeadingSpace: true),
            SpecialTokens = specials,
            MaxTokens = 512,
            PadId = Special("[PAD]"),
            PrefixIds = cls is int c ? [c] : [],
            SuffixIds = sep is int s ? [s] : [],
            EosIds = sep is int e ? [e] : [],
            CreateEncoder = () => new LibraryTokenEncoder(
                Create(vocab, lowerCase, splitOnSpecialTokens: false),
                () => Create(vocab, lowerCase, splitOnSpecialTokens: true),
                CleanText),
        };
        return config.ApplyTo(definition);
    }

    /// <summary>
    /// Hugging Face's BertNormalizer <c>clean_text</c>: every whitespace character becomes a space
    /// and control characters (and U+0000, U+FFFD) are removed. Returns the same instance when
    /// nothing changes, which keeps offsets exact for ordinary text.
    /// </summary>
    internal static string CleanText(string text)
    {
        var index = 0;
        while (index < text.Length && !NeedsCleaning(text[index]))
        {
            index++;
        }

        if (index == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, index);
        for (; index < text.Length; index++)
        {
            var ch = text[index];
            if (IsRemoved(ch))
            {
                continue;
            }

            builder.Append(char.IsWhiteSpace(ch) ? ' ' : ch);
        }

        return builder.ToString();
    }

    private static bool NeedsCleaning(char ch) => (char.IsWhiteSpace(ch) && ch != ' ') || IsRemoved(ch);

    private static bool IsRemoved(char ch)
    {
        if (ch is '\0' or '\uFFFD')
        {
            return true;
        }

        if (ch is '\t' or '\n' or '\r')
        {
            return false;
        }

        var category = char.GetUnicodeCategory(ch);
        return category is UnicodeCategory.Control or UnicodeCategory.Format;
    }

    private static BertTokenizer Create(byte[] vocab, bool lowerCase, bool splitOnSpecialTokens) =>
        BertTokenizer.Create(new MemoryStream(vocab, writable: false), new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            RemoveNonSpacingMarks = lowerCase,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            SplitOnSpecialTokens = splitOnSpecialTokens,
        });
}
