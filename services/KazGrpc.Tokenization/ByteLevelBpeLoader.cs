using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Builds GPT-2 style byte-level BPE tokenizers from <c>vocab.json</c> (token spelled in
/// <see cref="ByteLevelAlphabet"/> to id) and <c>merges.txt</c> (one merge per line, best first),
/// as Hugging Face ships them and as <c>kazgrpc convert-tokenizer</c> writes them from a
/// <c>tokenizer.json</c>.
/// </summary>
/// <remarks>
/// Control tokens are, in this order of precedence: the entries of <c>tokenizer_config.json</c>'s
/// <c>added_tokens_decoder</c> marked special (<see cref="ModelTokenizerConfig.AddedTokens"/>, which
/// may lie outside <c>vocab.json</c>, as Llama 3's do); the <c>bos_token</c>, <c>eos_token</c> and
/// <c>pad_token</c> spellings when <c>vocab.json</c> holds them (older repositories name them only
/// there); and <c>&lt;|endoftext|&gt;</c> when <c>vocab.json</c> holds it (the GPT-2 family's
/// convention, also its default EOS). A control token's bytes are its UTF-8 spelling.
/// </remarks>
public static class ByteLevelBpeLoader
{
    /// <summary>
    /// The split pattern of Hugging Face's <c>ByteLevel</c> pre-tokenizer (GPT-2's), used unless
    /// <see cref="ModelTokenizerConfig.PreTokenizerPattern"/> names another.
    /// </summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private const string EndOfText = "<|endoftext|>";

    /// <summary>Loads the pair of files.</summary>
    /// <param name="name">Name callers use.</param>
    /// <param name="vocabPath">Path of <c>vocab.json</c>.</param>
    /// <param name="mergesPath">Path of <c>merges.txt</c>.</param>
    /// <param name="config">The model directory's tokenizer configuration.</param>
    /// <exception cref="InvalidDataException">A token of <c>vocab.json</c> is not spelled in the
    /// byte-level alphabet, or the files are malformed.</exception>
    public static TokenizerDefinition Load(string name, string vocabPath, string mergesPath, ModelTokenizerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var vocab = ReadVocabulary(vocabPath);
        var merges = ReadMerges(mergesPath);
        var specials = FindSpecials(vocab, config);
        var table = BuildTable(vocab, specials, vocabPath);

        var regex = new Regex(config.PreTokenizerPattern ?? Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

        // Longest spellings first: the pre-tokenizer's alternation takes the first that matches.
        var specialTokens = specials.OrderByDescending(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

        var definition = new TokenizerDefinition
        {
            Name = name,
            Kind = TokenizerKind.Bpe,
            Bytes = new TokenBytes(table, specials.Values, stripLeadingSpace: false),
            SpecialTokens = specials.Select(kv => new SpecialToken(kv.Key, kv.Value)).OrderBy(t => t.Id).ToList(),
            EosIds = specials.TryGetValue(EndOfText, out var eos) ? [eos] : [],

            // The plain instance knows no special tokens at all: the library also matches a whole
            // pre-token against its special tokens, which would turn user text into control tokens.
            CreateEncoder = () => new LibraryTokenEncoder(
                Create(vocab, merges, new RegexPreTokenizer(regex, null), null),
                () => Create(vocab, merges, new RegexPreTokenizer(regex, specialTokens), specialTokens)),
        };
        return config.ApplyTo(definition);
    }

    private static BpeTokenizer Create(Dictionary<string, int> vocab, string[] merges, PreTokenizer preTokenizer, Dictionary<string, int>? specialTokens) =>
        BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = preTokenizer,
            SpecialTokens = specialTokens,
        });

    private static Dictionary<string, int> ReadVocabulary(string vocabPath)
    {
        using var stream = File.OpenRead(vocabPath);
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{vocabPath} is not a JSON object of token to id");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new InvalidDataException($"{vocabPath}: token '{entry.Name}' has id {entry.Value.GetRawText()}, not a non-negative integer");
            }

            vocab[entry.Name] = id;
        }

        return vocab;
    }

    private static string[] ReadMerges(string mergesPath) =>
        File.ReadLines(mergesPath, Encoding.UTF8)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .ToArray();

    private static Dictionary<string, int> FindSpecials(Dictionary<string, int> vocab, ModelTokenizerConfig config)
    {
        var specials = new Dictionary<string, int>(config.AddedTokens, StringComparer.Ordinal);
        foreach (var spelling in new[] { config.BosToken, config.EosToken, config.PadToken, EndOfText })
        {
            if (spelling is not null && !specials.ContainsKey(spelling) && vocab.TryGetValue(spelling, out var id))
            {
                specials[spelling] = id;
            }
        }

        return specials;
    }

    private static byte[]?[] BuildTable(Dictionary<string, int> vocab, Dictionary<string, int> specials, string vocabPath)
    {
        var maxId = -1;
        foreach (var id in vocab.Values.Concat(specials.Values))
        {
            maxId = Math.Max(maxId, id);
        }

        var table = new byte[]?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            if (!ByteLevelAlphabet.TryDecode(token, out var bytes))
            {
                // A control token listed in vocab.json may be spelled in plain text; its bytes are set below.
                if (specials.ContainsKey(token))
                {
                    continue;
                }

                throw new InvalidDataException(
                    $"{vocabPath}: token '{token}' (id {id}) is not spelled in the byte-level alphabet; vocab.json + merges.txt must be GPT-2 style byte-level BPE");
            }

            table[id] = bytes;
        }

        foreach (var (content, id) in specials)
        {
            table[id] = Encoding.UTF8.GetBytes(content);
        }

        return table;
    }
}
