using System.Text.Json.Nodes;
using KazGrpc.Tools.ConvertTokenizer;

namespace KazGrpc.Tools.Tests.ConvertTokenizer;

/// <summary>What convert-tokenizer refuses, and that it says why.</summary>
public sealed class ConvertTokenizerCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kazgrpc-convert-").FullName;

    public static TheoryData<string, string> Refusals => new()
    {
        { "unigram", "model.type is \"Unigram\"; convert-tokenizer converts byte-level BPE only" },
        { "byte-fallback", "model.byte_fallback is true (SentencePiece-style BPE)" },
        { "subword-prefix", "model.continuing_subword_prefix is \"##\"; byte-level BPE has none" },
        { "normalizer", "normalizer \"NFC\" is not supported: the loader normalizes nothing" },
        { "metaspace", "pre_tokenizer \"Metaspace\" is not supported: expected ByteLevel, or a Sequence of a regex Split and ByteLevel" },
        { "prefix-space", "pre_tokenizer.add_prefix_space is true; the loader adds no space before the text" },
        { "split-twice", "pre_tokenizer.pretokenizers[1].use_regex is true after a Split, so text is split twice" },
        { "bad-regex", "pre_tokenizer Split pattern \"\\\\p{L\" is not a .NET regular expression" },
        { "decoder", "decoder is \"Metaspace\", not ByteLevel" },
        { "not-byte-level", "model.vocab token \"▁a\" (id 4) has U+2581, which is not in GPT-2's byte-level alphabet" },
        { "unknown-merge", "model.merges[1] \"a c\": \"c\" is not in model.vocab" },
        { "repeated-merge", "model.merges[1] [\"a\",\"b\"] repeats model.merges[0]" },
        { "unreachable", "model.ignore_merges is true and merging does not produce some vocabulary tokens whole (e.g. \"ba\")" },
    };

    [Fact]
    public async Task Run_WordPieceTokenizerJson_FailsNamingTheModelType()
    {
        var input = Save(new JsonObject
        {
            ["version"] = "1.0",
            ["normalizer"] = new JsonObject { ["type"] = "BertNormalizer", ["lowercase"] = true },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##" },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["vocab"] = new JsonObject { ["[UNK]"] = 0, ["a"] = 1, ["##b"] = 2 },
            },
        });
        var (code, output, error) = await RunAsync("--input", input, "--output", Path.Combine(_root, "out"));

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Empty(output);
        Assert.Equal(
            $"kazgrpc convert-tokenizer: {input}: model.type is \"WordPiece\"; convert-tokenizer converts byte-level BPE only (model.type \"BPE\" with a ByteLevel pre-tokenizer and decoder)",
            error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Convert_UnsupportedTokenizerJson_ThrowsSayingWhy(string variant, string expected)
    {
        var tokenizer = Toy();
        var model = tokenizer["model"]!.AsObject();
        switch (variant)
        {
            case "unigram": model["type"] = "Unigram"; break;
            case "byte-fallback": model["byte_fallback"] = true; break;
            case "subword-prefix": model["continuing_subword_prefix"] = "##"; break;
            case "normalizer": tokenizer["normalizer"] = new JsonObject { ["type"] = "NFC" }; break;
            case "metaspace": tokenizer["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁" }; break;
            case "prefix-space": tokenizer["pre_tokenizer"]!["add_prefix_space"] = true; break;
            case "split-twice": tokenizer["pre_tokenizer"] = Sequence(@"\p{L}+", useRegex: true); break;
            case "bad-regex": tokenizer["pre_tokenizer"] = Sequence(@"\p{L", useRegex: false); break;
            case "decoder": tokenizer["decoder"] = new JsonObject { ["type"] = "Metaspace" }; break;
            case "not-byte-level": model["vocab"]!["▁a"] = 4; break;
            case "unknown-merge": model["merges"]!.AsArray().Add("a c"); break;
            case "repeated-merge": model["merges"]!.AsArray().Add(new JsonArray("a", "b")); break;
            case "unreachable": model["ignore_merges"] = true; model["vocab"]!["ba"] = 4; break;
            default: throw new ArgumentOutOfRangeException(nameof(variant));
        }

        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceBpeConverter.Convert(Save(tokenizer), Path.Combine(_root, "out")));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ToyTokenizer_ConvertsAndReportsCounts()
    {
        var (code, output, error) = await RunAsync("--input", Save(Toy()), "--output", Path.Combine(_root, "out"));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Empty(error);
        Assert.Contains("4 tokens, 1 merges, 0 special tokens", output, StringComparison.Ordinal);
        Assert.Equal("#version: 0.2\na b\n", File.ReadAllText(Path.Combine(_root, "out", "merges.txt")));
        Assert.Equal("{\"a\":0,\"b\":1,\"ab\":2,\"Ġ\":3}", File.ReadAllText(Path.Combine(_root, "out", "vocab.json")));
    }

    [Fact]
    public void Convert_MergesAsPairs_WritesSameFilesAsStrings()
    {
        var pairs = Toy();
        pairs["model"]!["merges"] = new JsonArray(new JsonArray("a", "b"));
        var strings = Path.Combine(_root, "strings");
        HuggingFaceBpeConverter.Convert(Save(Toy()), strings);

        HuggingFaceBpeConverter.Convert(Save(pairs), Path.Combine(_root, "pairs"));

        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(strings, file)), File.ReadAllText(Path.Combine(_root, "pairs", file)));
        }
    }

    [Fact]
    public void Convert_IgnoreMergesWithEveryTokenReachable_Converts()
    {
        var tokenizer = Toy();
        tokenizer["model"]!["ignore_merges"] = true;

        var result = HuggingFaceBpeConverter.Convert(Save(tokenizer), Path.Combine(_root, "out"));

        Assert.Equal(1, result.MergeCount);
    }

    [Fact]
    public async Task Run_NonSpecialAddedToken_WarnsAndKeepsItDecodable()
    {
        var tokenizer = Toy();
        var added = Gpt2TokenizerJson.AddedToken(7, "<tool>");
        added["special"] = false;
        tokenizer["added_tokens"] = new JsonArray(added);

        var (code, _, error) = await RunAsync("--input", Save(tokenizer), "--output", Path.Combine(_root, "out"));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("warning: added token \"<tool>\" (id 7) is not special; the loader encodes its spelling as ordinary text", error, StringComparison.Ordinal);
        var definition = Gpt2Fixture.LoadConverted(Path.Combine(_root, "out"));
        Assert.Equal("<tool>"u8.ToArray(), definition.Bytes[7].ToArray());
        Assert.False(definition.Bytes.IsSpecial(7));
    }

    [Fact]
    public async Task Run_MissingOutput_IsAUsageError()
    {
        var (code, _, error) = await RunAsync("--input", "tokenizer.json");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("Option '--output' is required.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingInputFile_FailsNamingIt()
    {
        var input = Path.Combine(_root, "absent.json");

        var (code, _, error) = await RunAsync("--input", input, "--output", _root);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal($"kazgrpc convert-tokenizer: {input}: no such file", error.Trim());
    }

    [Fact]
    public async Task Run_NotJson_FailsSayingSo()
    {
        var input = Path.Combine(_root, "tokenizer.json");
        File.WriteAllText(input, "not json");

        var (code, _, error) = await RunAsync("--input", input, "--output", _root);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith($"kazgrpc convert-tokenizer: {input}: not JSON (", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The smallest byte-level BPE tokenizer.json: a, b, ab and the space.</summary>
    private static JsonObject Toy() => new()
    {
        ["version"] = "1.0",
        ["added_tokens"] = new JsonArray(),
        ["normalizer"] = null,
        ["pre_tokenizer"] = Gpt2TokenizerJson.ByteLevel(useRegex: true),
        ["post_processor"] = null,
        ["decoder"] = Gpt2TokenizerJson.ByteLevel(useRegex: true),
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 1, ["ab"] = 2, ["Ġ"] = 3 },
            ["merges"] = new JsonArray("a b"),
        },
    };

    private static JsonObject Sequence(string pattern, bool useRegex) => new()
    {
        ["type"] = "Sequence",
        ["pretokenizers"] = new JsonArray(
            new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = pattern }, ["behavior"] = "Isolated", ["invert"] = false },
            Gpt2TokenizerJson.ByteLevel(useRegex)),
    };

    private string Save(JsonObject tokenizer) => Gpt2TokenizerJson.Save(tokenizer, Path.Combine(_root, "in"));

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(["convert-tokenizer", .. args]);
}
