namespace KazGrpc.Tokenization.Tests;

public sealed class WordPieceLoaderTests : IClassFixture<MiniLmVocabulary>
{
    private static readonly string[] SpecialSpellings = ["[SEP]", "[CLS]", "[PAD]", "[UNK]", "[MASK]", "<|", "<s>", "</s>"];

    /// <summary>Text that exercises each step of BERT's normaliser and pre-tokenizer.</summary>
    private static readonly string[] Extras =
    [
        "a\tb\nc\r\nd\re", "\t leading and trailing \n", "café naïve ÉCOLE Zürich Ærøskøbing",
        "й ё Й Ё ӓ ї", "ӘҒҚҢӨҰҮҺІ әғқңөұүһі", "中文字符 日本語のテキスト 한국어 텍스트 \uF900\uFA10",
        "x\u0001y\u200Bz\uE000w\u00ADv\u0085u\u000Bt\u000Cs\u0000r\uFFFDq", "$5+3=8 <tag> a|b ~c ^d `e` 100% #1 @me",
        "İstanbul ǅ ß ẞ Σίσυφος ΆΈΉ", "e\u0301 o\u0308 a\u030A combining", "\u00A0nbsp\u3000ideographic\u2028line\u2029para\u202Fnarrow",
        "…“quotes” «ёлки» — dash – en ‐ hyphen ¿¡", "😀👍🏽🇰🇿 emoji👨‍👩‍👧‍👦family", "Ｆｕｌｌ ｗｉｄｔｈ ①②③ ﬁ ﬂ ㎏",
        new string('ж', 100), new string('ж', 101), "ℌ𝔢𝔩𝔩𝔬 𝐛𝐨𝐥𝐝 𐐀𐐨 Deseret",
        "Tab\tseparated\tvalues\nand\r\nWindows lines", "don't can't it's O'Reilly", "a.b,c;d:e!f?g", "ǈ ǋ ǲ Ǆ dž", "",
    ];

    private readonly MiniLmVocabulary _vocabulary;

    public WordPieceLoaderTests(MiniLmVocabulary vocabulary) => _vocabulary = vocabulary;

    public static IEnumerable<string> Texts =>
        Corpus.Lines.Where(l => !SpecialSpellings.Any(s => l.Contains(s, StringComparison.Ordinal))).Concat(Extras);

    [Fact]
    public void Encode_MultilingualText_MatchesHuggingFace()
    {
        var encoder = Load().CreateEncoder();
        var differences = new List<string>();
        foreach (var text in Texts)
        {
            var ids = new List<int>();
            encoder.Encode(text, allowSpecialTokens: false, ids, null);
            var expected = MiniLmVocabulary.Encode(_vocabulary.Reference, text);
            if (!expected.SequenceEqual(ids))
            {
                differences.Add($"{Escape(text)}\n  hf:   {string.Join(',', expected)}\n  ours: {string.Join(',', ids)}");
            }

            Assert.Equal(ids.Count, encoder.Count(text, allowSpecialTokens: false));
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    [Fact]
    public void Encode_LoneSurrogates_AreRemoved()
    {
        var encoder = Load().CreateEncoder();
        var ids = new List<int>();
        encoder.Encode("\uD800 lone \uDC00 surrogates", allowSpecialTokens: false, ids, null);
        Assert.Equal(MiniLmVocabulary.Encode(_vocabulary.Reference, " lone  surrogates"), ids);
    }

    [Theory]
    [InlineData("a [SEP] b [CLS]")]
    [InlineData("[CLS]question[SEP]answer[SEP]")]
    [InlineData("[MASK] is [PAD] or [UNK]")]
    public void Encode_SpecialSpelling_IsPlainTextUnlessAllowed(string text)
    {
        var definition = Load();
        var encoder = definition.CreateEncoder();
        var plain = new List<int>();
        encoder.Encode(text, allowSpecialTokens: false, plain, null);
        Assert.DoesNotContain(plain, definition.Bytes.IsSpecial);
        Assert.Equal(MiniLmVocabulary.Encode(_vocabulary.PlainReference, text), plain);

        var allowed = new List<int>();
        encoder.Encode(text, allowSpecialTokens: true, allowed, null);
        Assert.Contains(allowed, definition.Bytes.IsSpecial);
        Assert.Equal(MiniLmVocabulary.Encode(_vocabulary.Reference, text), allowed);
    }

    [Fact]
    public void Load_Definition_FramesWithClsAndSep()
    {
        var definition = Load();
        Assert.Equal(TokenizerKind.WordPiece, definition.Kind);
        Assert.Equal([101], definition.PrefixIds);
        Assert.Equal([102], definition.SuffixIds);
        Assert.Equal(0, definition.PadId);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], definition.SpecialTokens.Select(s => s.Content));
    }

    [Fact]
    public void Encode_WithOffsets_AddsNoFramingAndSpansCoverEachToken()
    {
        var encoder = Load().CreateEncoder();
        var normalizer = new BertTextNormalizer(lowerCase: true);
        foreach (var text in Texts.Append("[SEP] plain [CLS]"))
        {
            var expectedIds = new List<int>();
            encoder.Encode(text, allowSpecialTokens: false, expectedIds, null);
            var ids = new List<int>();
            var offsets = new List<Range>();
            encoder.Encode(text, allowSpecialTokens: false, ids, offsets);
            Assert.Equal(expectedIds, ids);
            Assert.Equal(ids.Count, offsets.Count);

            var previous = 0;
            for (var i = 0; i < ids.Count; i++)
            {
                var (start, length) = offsets[i].GetOffsetAndLength(text.Length);
                Assert.True(start >= previous, $"{Escape(text)}: token {i} starts at {start}, before {previous}");
                previous = start;
                var token = _vocabulary.Tokens[ids[i]];
                if (ids[i] == 100)
                {
                    continue;
                }

                // The span, normalised, holds the token's text: the word, or its ##-piece (a Hangul
                // syllable becomes three pieces, each spanning the syllable).
                var piece = token.StartsWith("##", StringComparison.Ordinal) ? token[2..] : token;
                var span = normalizer.Normalize(text.AsSpan(start, length)).Trim();
                Assert.True(span.Contains(piece, StringComparison.Ordinal) && span.Length <= piece.Length + 2,
                    $"{Escape(text)}: token {i} '{token}' spans '{text.Substring(start, length)}'");
            }
        }
    }

    [Fact]
    public void Encode_WithOffsets_SpecialTokensAllowed_SpansAreTheSpellings()
    {
        var encoder = Load().CreateEncoder();
        const string text = "Café [SEP]中文 [CLS]";
        var ids = new List<int>();
        var offsets = new List<Range>();
        encoder.Encode(text, allowSpecialTokens: true, ids, offsets);
        Assert.Equal(MiniLmVocabulary.Encode(_vocabulary.Reference, text), ids);
        Assert.Equal(["Café", "[SEP]", "中", "文", "[CLS]"], offsets.Select(o => text[o]));
    }

    private TokenizerDefinition Load() => WordPieceLoader.Load("minilm", _vocabulary.VocabPath, ModelTokenizerConfig.Empty);

    private static string Escape(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
