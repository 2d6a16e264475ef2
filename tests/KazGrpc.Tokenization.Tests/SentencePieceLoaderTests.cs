using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization.Tests;

public sealed class SentencePieceLoaderTests : IClassFixture<SentencePieceModels>
{
    /// <summary>Text beyond the corpus: whitespace at the edges and in runs, scripts the models saw
    /// rarely or never (byte fallback, unknown characters), combining marks, NFKC-sensitive forms,
    /// special-token spellings as plain text.</summary>
    private static readonly string[] Extras =
    [
        " leading space", "trailing space ", "two  spaces   three", "\tTab\nnew line\r\nCRLF",
        "中文字符 日本語のテキスト 한국어 العربية עברית हिन्दी ไทย", "😀👍🏽🇰🇿 🦄🧬🪐 emoji", "e\u0301 o\u0308 combining",
        "Ｆｕｌｌ ｗｉｄｔｈ №5 ① ﬁ", "x <s> y </s> z <ctrl> <unk> <pad>", "ψψψ ΩΩ unknown runs", "a", " b ", "я", "",
    ];

    private readonly SentencePieceModels _models;

    public SentencePieceLoaderTests(SentencePieceModels models) => _models = models;

    public static TheoryData<string> All => SentencePieceModels.All;

    public static TheoryData<string> WithByteFallback => SentencePieceModels.WithByteFallback;

    private static IReadOnlyList<string> Texts { get; } = [.. Corpus.Lines, .. Extras];

    [Theory]
    [MemberData(nameof(All))]
    public void Encode_Text_MatchesSentencePiece(string model)
    {
        var encoder = Load(model).CreateEncoder();
        var expected = _models.ReferenceIds(model, Texts);
        for (var i = 0; i < Texts.Count; i++)
        {
            var ids = Encode(encoder, Texts[i]);
            Assert.True(expected[i].SequenceEqual(ids), $"{model} {Escape(Texts[i])}\n  spm:  {string.Join(',', expected[i])}\n  ours: {string.Join(',', ids)}");
            Assert.Equal(ids.Count, encoder.Count(Texts[i], allowSpecialTokens: false));
        }
    }

    [Theory]
    [MemberData(nameof(WithByteFallback))]
    public void Detokenize_Tokenize_RoundTrips(string model)
    {
        var definition = Load(model);
        var encoder = definition.CreateEncoder();
        var bytePieces = 0;
        foreach (var text in Texts)
        {
            var ids = Encode(encoder, text);
            Assert.Equal(text, IncrementalDecoder.DecodeAll(definition.Bytes, ids.ToArray(), skipSpecialTokens: false));
            bytePieces += ids.Count(id => IsBytePiece(model, id));
        }

        // Characters the model never learnt (CJK, Hangul, rare emoji) went through byte pieces.
        Assert.True(bytePieces > 0);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void DecodeAll_EncodedText_EqualsLibraryAndSentencePieceDecode(string model)
    {
        var definition = Load(model);
        var encoder = definition.CreateEncoder();
        using var stream = File.OpenRead(_models.PathOf(model));
        var library = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        var encoded = Texts.Select(t => Encode(encoder, t).ToArray()).ToList();
        var reference = _models.ReferenceDecode(model, encoded);
        var unknown = definition.FindSpecial("<unk>");
        for (var i = 0; i < encoded.Count; i++)
        {
            var ids = encoded[i];
            var decoded = IncrementalDecoder.DecodeAll(definition.Bytes, ids, skipSpecialTokens: true);
            if (model != SentencePieceModels.UnigramBytes || !ids.Any(id => IsBytePiece(model, id)))
            {
                // The library's unigram decoder reads byte ids with the same wrong offset its encoder
                // writes them with (see SentencePieceModel.MarkOnlyFirstBytePiece).
                Assert.Equal(library.Decode(ids, considerSpecialTokens: false), decoded);
                Assert.Equal(library.Decode(ids, considerSpecialTokens: true), IncrementalDecoder.DecodeAll(definition.Bytes, ids, skipSpecialTokens: false));
            }

            if (!ids.Contains(unknown!.Value))
            {
                // SentencePiece renders an unknown token as " ⁇ "; everything else decodes alike.
                Assert.Equal(reference[i], decoded);
            }

            // Token by token, as a stream of generated ids arrives.
            var incremental = new IncrementalDecoder(definition.Bytes, skipSpecialTokens: true);
            var streamed = new StringBuilder();
            foreach (var id in ids)
            {
                streamed.Append(incremental.Append([id]));
            }

            Assert.Equal(decoded, streamed.Append(incremental.Finish()).ToString());
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Encode_SpecialSpelling_IsPlainTextUnlessAllowed(string model)
    {
        var definition = Load(model);
        var encoder = definition.CreateEncoder();
        var spellings = definition.SpecialTokens.Select(s => s.Content).ToArray();
        var text = "say " + string.Join(" and ", spellings) + " please";

        var plain = Encode(encoder, text);
        Assert.DoesNotContain(plain, definition.Bytes.IsSpecial);
        Assert.Equal(_models.ReferenceIds(model, [text])[0], plain);

        var allowed = new List<int>();
        encoder.Encode(text, allowSpecialTokens: true, allowed, null);
        Assert.Equal(definition.SpecialTokens.Select(s => s.Id), allowed.Where(definition.Bytes.IsSpecial));
    }

    [Fact]
    public void Load_Models_DescribeTheirSpecialTokens()
    {
        var bpe = Load(SentencePieceModels.Bpe);
        Assert.Equal(TokenizerKind.SentencePiece, bpe.Kind);
        Assert.Equal([("<unk>", 0), ("<s>", 1), ("</s>", 2), ("<ctrl>", 3)], bpe.SpecialTokens.Select(s => (s.Content, s.Id)));
        Assert.Equal(1, bpe.BosId);
        Assert.Equal([1], bpe.PrefixIds);
        Assert.Empty(bpe.SuffixIds);
        Assert.Equal([2], bpe.EosIds);
        Assert.Null(bpe.PadId);
        Assert.True(bpe.Bytes.StripLeadingSpace);
        using var stream = File.OpenRead(_models.PathOf(SentencePieceModels.Bpe));
        var vocabulary = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false).Vocabulary;
        Assert.Equal([0xE2], bpe.Bytes[vocabulary["<0xE2>"]].ToArray());
        Assert.Equal(" "u8.ToArray(), bpe.Bytes[vocabulary["\u2581"]].ToArray());
        Assert.Equal("<ctrl>"u8.ToArray(), bpe.Bytes[3].ToArray());
        Assert.True(bpe.Bytes.IsSpecial(3));

        Assert.False(Load(SentencePieceModels.UnigramBytes).Bytes.StripLeadingSpace);
        Assert.Equal(3, Load(SentencePieceModels.UnigramNfkc).PadId);
    }

    [Fact]
    public void Encode_BpeWithNfkcNormalizer_DiffersWhereNfkcChangesTheText()
    {
        // Microsoft.ML.Tokenizers' SentencePiece BPE ignores the model's character map (nmt_nfkc):
        // "№" stays "№" instead of becoming "No", tabs stay tabs. Listed in docs/tokenizer-differences.md.
        // Texts NFKC leaves alone encode alike, single characters among them ("a").
        const string model = SentencePieceModels.BpeNfkc;
        var encoder = Load(model).CreateEncoder();
        var expected = _models.ReferenceIds(model, Texts);
        var differing = Texts.Where((text, i) => !expected[i].SequenceEqual(Encode(encoder, text))).ToList();
        string[] changedByNfkc =
        [
            Corpus.Lines.Single(l => l.Contains('№', StringComparison.Ordinal)), Corpus.Lines.Single(l => l.Contains('\t', StringComparison.Ordinal)),
            "\tTab\nnew line\r\nCRLF", "e\u0301 o\u0308 combining", "Ｆｕｌｌ ｗｉｄｔｈ №5 ① ﬁ",
        ];
        Assert.Equal(changedByNfkc, differing);
    }

    [Fact]
    public void Encode_UnknownRun_IsOneToken()
    {
        var definition = Load(SentencePieceModels.UnigramNfkc);
        var encoder = definition.CreateEncoder();
        var ids = new List<int>();
        var offsets = new List<Range>();
        const string text = "ψψψ ok";
        encoder.Encode(text, allowSpecialTokens: false, ids, offsets);
        Assert.Equal(1, ids.Count(id => id == 0));
        Assert.Equal("ψψψ", text[offsets[ids.IndexOf(0)]]);
        Assert.Equal(ids.Count, encoder.Count(text, allowSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Encode_WithOffsets_SpansLieInTheTextInOrder(string model)
    {
        var definition = Load(model);
        var encoder = definition.CreateEncoder();
        var identity = model != SentencePieceModels.UnigramNfkc;
        foreach (var text in Texts)
        {
            var ids = new List<int>();
            var offsets = new List<Range>();
            encoder.Encode(text, allowSpecialTokens: false, ids, offsets);
            Assert.Equal(Encode(encoder, text), ids);
            var previous = 0;
            for (var i = 0; i < ids.Count; i++)
            {
                var (start, length) = offsets[i].GetOffsetAndLength(text.Length);
                Assert.True(start >= previous, $"{model} {Escape(text)}: token {i} starts at {start}, before {previous}");
                previous = start;
                var piece = definition.Bytes[ids[i]];
                if (identity && !IsBytePiece(model, ids[i]))
                {
                    // Not a byte piece: the span is the piece, less the dummy prefix's space.
                    var expected = Encoding.UTF8.GetString(piece);
                    expected = i == 0 && definition.Bytes.StripLeadingSpace ? expected.TrimStart(' ') : expected;
                    Assert.True(expected == text.Substring(start, length), $"{model} {Escape(text)}: token {i} '{expected}' spans '{text.Substring(start, length)}'");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Encode_WithOffsets_SpecialTokensAllowed_SpansAreTheSpellings(string model)
    {
        var encoder = Load(model).CreateEncoder();
        const string text = "<s>Сәлем, world </s> 😀 again</s>end";
        var ids = new List<int>();
        var offsets = new List<Range>();
        encoder.Encode(text, allowSpecialTokens: true, ids, offsets);
        Assert.Equal(["<s>", "</s>", "</s>"], ids.Index().Where(t => t.Item is 1 or 2).Select(t => text[offsets[t.Index]]));

        // The library reports offsets after a special token relative to the text that follows it.
        Assert.Equal(3, offsets[1].Start.Value);
        Assert.Equal(text.LastIndexOf("end", StringComparison.Ordinal), offsets[ids.LastIndexOf(2) + 1].Start.Value);
        Assert.Equal(text.Length, offsets[^1].End.Value);
    }

    [Fact]
    public async Task Tokenize_ModelDirectory_FramesWithBosFromTheDefinition()
    {
        var models = _models.CreateDirectory("models-framing");
        var llama = Directory.CreateDirectory(Path.Combine(models, "llama")).FullName;
        File.Copy(_models.PathOf(SentencePieceModels.Bpe), Path.Combine(llama, "tokenizer.model"));
        var noBos = Directory.CreateDirectory(Path.Combine(models, "no-bos")).FullName;
        File.Copy(_models.PathOf(SentencePieceModels.Bpe), Path.Combine(noBos, "tokenizer.model"));
        File.WriteAllText(Path.Combine(noBos, "tokenizer_config.json"), """{ "add_bos_token": false, "model_max_length": 4096 }""");

        var options = Options.Create(new TokenizationOptions { ModelsDirectory = models, Builtins = [], WorkersPerTokenizer = 1 });
        using var registry = TokenizerRegistry.Load(options, NullLogger<TokenizerRegistry>.Instance, TestContext.Current.CancellationToken);
        Assert.Empty(registry.Failures);
        var service = new TokenizationService(registry, options);
        const string text = "Сәлем, әлем!";
        var plain = Encode(Load(SentencePieceModels.Bpe).CreateEncoder(), text);

        var framed = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = "llama", Texts = [text], AddSpecialTokens = true, ReturnOffsets = true }, TestContext.Current.CancellationToken);
        Assert.Equal([1, .. plain], framed[0].Ids);
        Assert.Equal((0, 0), framed[0].Offsets![0]);
        Assert.Equal(text, service.Detokenize("llama", [.. framed[0].Ids.Select(id => (uint)id)], skipSpecialTokens: true));
        // As Hugging Face's Llama decoder does: the dummy prefix's space is dropped only at the start.
        Assert.Equal("<s> " + text, service.Detokenize("llama", [.. framed[0].Ids.Select(id => (uint)id)], skipSpecialTokens: false));

        var unframed = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = "no-bos", Texts = [text], AddSpecialTokens = true }, TestContext.Current.CancellationToken);
        Assert.Equal(plain, unframed[0].Ids);
        Assert.Equal(4096, service.GetTokenizer("no-bos").MaxTokens);
        Assert.Equal([plain.Count + 1], await service.CountTokensAsync("llama", [text], addSpecialTokens: true, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Find_SentencepieceBpeModel_FairseqIdsAndFraming()
    {
        var directory = _models.CreateDirectory("xlmr-fairseq");
        File.Copy(_models.PathOf(SentencePieceModels.XlmRoberta), Path.Combine(directory, "sentencepiece.bpe.model"));
        var pieces = SentencePieceModel.Parse(File.ReadAllBytes(_models.PathOf(SentencePieceModels.XlmRoberta))).Pieces.Count;

        var definition = ModelDirectoryTokenizer.Find("e5", directory, out _)!();

        Assert.Equal(pieces + 2, definition.VocabSize);
        Assert.Equal(
            [("<s>", 0), ("<pad>", 1), ("</s>", 2), ("<unk>", 3), ("<mask>", pieces + 1)],
            definition.SpecialTokens.Select(t => (t.Content, t.Id)));
        Assert.Equal((0, 1), (definition.BosId, definition.PadId));
        Assert.Equal([2], definition.EosIds);
        Assert.Equal([0], definition.PrefixIds);
        Assert.Equal([2], definition.SuffixIds);
        AssertFairseqIds(definition);
    }

    [Fact]
    public void Find_TokenizerModelOfXlmRobertaClass_FairseqIds()
    {
        var directory = _models.CreateDirectory("xlmr-class");
        File.Copy(_models.PathOf(SentencePieceModels.XlmRoberta), Path.Combine(directory, "tokenizer.model"));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}""");

        var definition = ModelDirectoryTokenizer.Find("e5", directory, out _)!();

        Assert.Equal((512, 0, 1), (definition.MaxTokens, definition.BosId, definition.PadId));
        Assert.Equal([2], definition.EosIds);
        AssertFairseqIds(definition);
    }

    /// <summary>Ids are SentencePiece's plus one (its unknown is fairseq's 3), and decode back.</summary>
    private void AssertFairseqIds(TokenizerDefinition definition)
    {
        var encoder = definition.CreateEncoder();
        var reference = _models.ReferenceIds(SentencePieceModels.XlmRoberta, Texts);
        for (var i = 0; i < Texts.Count; i++)
        {
            var ids = Encode(encoder, Texts[i]);
            Assert.Equal(reference[i].Select(id => id == 0 ? 3 : id + 1), ids);
            if (!ids.Contains(3))
            {
                Assert.Equal(
                    _models.ReferenceDecode(SentencePieceModels.XlmRoberta, [reference[i]])[0],
                    IncrementalDecoder.DecodeAll(definition.Bytes, [.. ids], skipSpecialTokens: true));
            }
        }

        var allowed = new List<int>();
        encoder.Encode("a </s> b", allowSpecialTokens: true, allowed, null);
        Assert.Contains(2, allowed);
    }

    private TokenizerDefinition Load(string model) => SentencePieceLoader.Load(model, _models.PathOf(model), ModelTokenizerConfig.Empty);

    private static List<int> Encode(TokenEncoder encoder, string text)
    {
        var ids = new List<int>();
        encoder.Encode(text, allowSpecialTokens: false, ids, null);
        return ids;
    }

    private bool IsBytePiece(string model, int id) => _models.BytePieces(model).Contains(id);

    private static string Escape(string text) => JsonSerializer.Serialize(text);
}
