using System.Text.Json;

namespace KazGrpc.Tokenization.Tests;

/// <summary>The loader on hand-made files; its parity with Hugging Face on GPT-2 is tested with the converter (KazGrpc.Tools.Tests).</summary>
public sealed class ByteLevelBpeLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kazgrpc-bpe-").FullName;

    [Fact]
    public void Load_EndOfTextInVocabulary_IsSpecialAndEos()
    {
        var definition = Load(Vocabulary(("<|endoftext|>", 5)), ModelTokenizerConfig.Empty);

        Assert.Equal(TokenizerKind.Bpe, definition.Kind);
        Assert.Equal([new SpecialToken("<|endoftext|>", 5)], definition.SpecialTokens);
        Assert.Equal([5], definition.EosIds);
        Assert.Equal([0, 4, 5], Encode(definition, "ab a<|endoftext|>", allowSpecialTokens: true));
        Assert.DoesNotContain(5, Encode(definition, "ab a<|endoftext|>", allowSpecialTokens: false));
    }

    [Fact]
    public void Load_AddedTokenOutsideVocabulary_DecodesAsItsSpelling()
    {
        var config = new ModelTokenizerConfig { AddedTokens = new Dictionary<string, int> { ["<|im_end|>"] = 9 } };

        var definition = Load(Vocabulary(), config);

        Assert.Equal(10, definition.VocabSize);
        Assert.False(definition.Bytes.Contains(7));
        Assert.True(definition.Bytes.IsSpecial(9));
        var ids = Encode(definition, "ab<|im_end|>", allowSpecialTokens: true);
        Assert.Equal([0, 9], ids);
        Assert.Equal("ab<|im_end|>", IncrementalDecoder.DecodeAll(definition.Bytes, ids, skipSpecialTokens: false));
        Assert.Equal("ab", IncrementalDecoder.DecodeAll(definition.Bytes, ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Load_BosAndEosNamedByConfig_FrameWithThem()
    {
        var config = new ModelTokenizerConfig { BosToken = "<s>", EosToken = "</s>", AddBosToken = true };

        var definition = Load(Vocabulary(("<s>", 5), ("</s>", 6)), config);

        Assert.Equal(5, definition.BosId);
        Assert.Equal([5], definition.PrefixIds);
        Assert.Equal([6], definition.EosIds);
        Assert.Equal([new SpecialToken("<s>", 5), new SpecialToken("</s>", 6)], definition.SpecialTokens);
    }

    [Fact]
    public void Load_PatternFromConfig_SplitsWithIt()
    {
        Assert.Equal([1, 4], Encode(Load(Vocabulary(), ModelTokenizerConfig.Empty), "b a", allowSpecialTokens: false));

        var definition = Load(Vocabulary(), new ModelTokenizerConfig { PreTokenizerPattern = @"\S+|\s+" });

        Assert.Equal([1, 3, 2], Encode(definition, "b a", allowSpecialTokens: false));
    }

    [Fact]
    public void Load_TokenOutsideByteLevelAlphabet_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(Vocabulary(("▁a", 5)), ModelTokenizerConfig.Empty));

        Assert.EndsWith("token '▁a' (id 5) is not spelled in the byte-level alphabet; vocab.json + merges.txt must be GPT-2 style byte-level BPE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ByteLevelAlphabet_EveryByte_RoundTrips()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

        var spelled = ByteLevelAlphabet.Encode(bytes);

        Assert.Equal('Ġ', ByteLevelAlphabet.ToChar((byte)' '));
        Assert.Equal('!', ByteLevelAlphabet.ToChar((byte)'!'));
        Assert.Equal(256, spelled.Distinct().Count());
        Assert.True(ByteLevelAlphabet.TryDecode(spelled, out var decoded));
        Assert.Equal(bytes, decoded);
        Assert.False(ByteLevelAlphabet.TryDecode("a▁", out _));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>ab, b, a, Ġ (space), Ġa, with merges "a b" and "Ġ a"; plus <paramref name="extra"/>.</summary>
    private static Dictionary<string, int> Vocabulary(params (string Token, int Id)[] extra)
    {
        var vocab = new Dictionary<string, int> { ["ab"] = 0, ["b"] = 1, ["a"] = 2, ["Ġ"] = 3, ["Ġa"] = 4 };
        foreach (var (token, id) in extra)
        {
            vocab[token] = id;
        }

        return vocab;
    }

    private TokenizerDefinition Load(Dictionary<string, int> vocab, ModelTokenizerConfig config)
    {
        var vocabPath = Path.Combine(_directory, "vocab.json");
        var mergesPath = Path.Combine(_directory, "merges.txt");
        File.WriteAllText(vocabPath, JsonSerializer.Serialize(vocab));
        File.WriteAllText(mergesPath, "#version: 0.2\na b\nĠ a\n");
        return ByteLevelBpeLoader.Load("toy", vocabPath, mergesPath, config);
    }

    private static int[] Encode(TokenizerDefinition definition, string text, bool allowSpecialTokens)
    {
        var ids = new List<int>();
        definition.CreateEncoder().Encode(text, allowSpecialTokens, ids, null);
        return ids.ToArray();
    }
}
