using System.Text;

namespace KazGrpc.Tokenization;

/// <summary>
/// Builds BERT WordPiece tokenizers from <c>vocab.txt</c> that tokenize as Hugging Face's
/// <c>tokenizer.json</c> for BERT does (BertNormalizer, BertPreTokenizer, WordPiece with
/// <c>[UNK]</c>, <c>##</c> and at most 100 characters a word). Microsoft.ML.Tokenizers' own
/// BertTokenizer differs in ways that change ids: it deletes <c>\t</c>, <c>\n</c> and <c>\r</c> and
/// merges the words around them, drops symbols (<c>$ + = | ~</c>, emoji) instead of encoding them,
/// and cannot strip accents under <c>InvariantGlobalization</c>; so the normaliser and
/// pre-tokenizer here are this project's (<see cref="BertTextNormalizer"/>, <see cref="BertWordSplitter"/>).
/// So is the WordPiece model (<see cref="WordPieceModel"/>): the library's hashes every substring
/// of a word from the longest down, which made it a third of tokenizer-svc's CPU time on Kazakh
/// and Russian text, split by an English vocabulary into many short pieces. Differences that
/// remain are listed in <c>docs/tokenizer-differences.md</c>.
/// </summary>
public static class WordPieceLoader
{
    private static readonly string[] SpecialSpellings = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>Loads <paramref name="vocabPath"/>; max length defaults to 512 tokens; uncased
    /// unless <see cref="ModelTokenizerConfig.DoLowerCase"/> is false.</summary>
    public static TokenizerDefinition Load(string name, string vocabPath, ModelTokenizerConfig config)
    {
        var vocab = File.ReadAllBytes(vocabPath);
        var lines = Encoding.UTF8.GetString(vocab).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var table = new byte[]?[count];
        var tokens = new string[count];
        var specials = new List<SpecialToken>();
        for (var id = 0; id < count; id++)
        {
            var token = lines[id].TrimEnd('\r');
            tokens[id] = token;
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
        var spellings = specials.Select(s => s.Content).ToArray();
        // Built once for the vocabulary and shared by every encoder: it is immutable.
        var model = WordPieceModel.Create(tokens);
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
            CreateEncoder = () => new WordPieceTokenEncoder(model, lowerCase, spellings),
        };
        return config.ApplyTo(definition);
    }
}
