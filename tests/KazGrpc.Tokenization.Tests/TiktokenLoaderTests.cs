using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization.Tests;

public sealed class TiktokenLoaderTests
{
    public static TheoryData<string, string> Builtins => new()
    {
        { "o200k_base", "gpt-4o" },
        { "cl100k_base", "gpt-4" },
        { "gpt2", "gpt2" },
    };

    [Theory]
    [MemberData(nameof(Builtins))]
    public void LoadBuiltin_PlainText_MatchesLibraryInstance(string name, string model)
    {
        var definition = TiktokenLoader.LoadBuiltin(name);
        var encoder = definition.CreateEncoder();
        var reference = TiktokenTokenizer.CreateForModel(model);
        foreach (var line in Corpus.Lines.Where(l => !l.Contains("<|", StringComparison.Ordinal)))
        {
            var ids = new List<int>();
            encoder.Encode(line, allowSpecialTokens: false, ids, null);
            Assert.Equal(reference.EncodeToIds(line), ids);
        }

        Assert.Equal(reference.SpecialTokens!.OrderBy(kv => kv.Value).Select(kv => (kv.Key, kv.Value)),
            definition.SpecialTokens.Select(s => (s.Content, s.Id)));
    }

    [Theory]
    [MemberData(nameof(Builtins))]
    public void Encode_SpecialSpelling_IsPlainTextUnlessAllowed(string name, string model)
    {
        _ = model;
        var definition = TiktokenLoader.LoadBuiltin(name);
        var encoder = definition.CreateEncoder();
        var eos = definition.FindSpecial("<|endoftext|>")!.Value;
        var plain = new List<int>();
        encoder.Encode("a <|endoftext|> b", allowSpecialTokens: false, plain, null);
        Assert.DoesNotContain(eos, plain);
        Assert.Equal("a <|endoftext|> b", IncrementalDecoder.DecodeAll(definition.Bytes, plain.ToArray(), skipSpecialTokens: false));

        var allowed = new List<int>();
        encoder.Encode("a <|endoftext|> b", allowSpecialTokens: true, allowed, null);
        Assert.Contains(eos, allowed);
    }
}
