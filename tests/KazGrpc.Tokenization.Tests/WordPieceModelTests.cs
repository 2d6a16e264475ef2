namespace KazGrpc.Tokenization.Tests;

/// <summary>
/// Edge cases of the trie model on a small vocabulary, each also checked against Hugging Face's
/// WordPiece (Tokenizers.DotNet) loaded with the same vocabulary.
/// </summary>
public sealed class WordPieceModelTests : IDisposable
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    // No "##c": "xabc" can only be split as x ##a ##bc, which greedy longest-match does not find.
    private static readonly string[] Tokens =
    [
        .. Specials, // 0-4
        "un", "##aff", "##able", "##a", // 5-8
        "x", "##x", "##ab", "##bc", // 9-12
        "😀", "##😀", "ж", "##ж", // 13-16
    ];

    private static readonly WordPieceModel Model = WordPieceModel.Create(Tokens);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kazgrpc-wordpiece-");
    private readonly Tokenizers.DotNet.Tokenizer _reference;
    private readonly Tokenizers.DotNet.Tokenizer _plainReference;

    public WordPieceModelTests()
    {
        _reference = Reference("tokenizer.json", addedTokens: true);
        _plainReference = Reference("tokenizer-plain.json", addedTokens: false);
    }

    [Theory]
    [InlineData("unaffable", new[] { 5, 6, 7 })]
    [InlineData("xab", new[] { 9, 11 })]
    [InlineData("😀😀x", new[] { 13, 14, 10 })]
    [InlineData("un affable", new[] { 5, 1 })]
    public void Encode_Word_TakesTheLongestPieces(string text, int[] expected)
    {
        Assert.Equal(expected, Encode(text));
        Assert.Equal(expected, MiniLmVocabulary.Encode(_reference, text));
    }

    [Theory]
    [InlineData("zun")]
    [InlineData("😃")]
    public void Encode_NoPieceStartsTheWord_IsOneUnknown(string text)
    {
        Assert.Equal([1], Encode(text));
        Assert.Equal([1], MiniLmVocabulary.Encode(_reference, text));
    }

    [Fact]
    public void EncodeWord_TailCannotBeMatched_PiecesFoundAreReplacedByOneUnknown()
    {
        var ids = new List<int> { 42 };
        var spans = new List<Range> { 0..1 };

        var count = Model.EncodeWord("unaffz", 10, ids, spans);

        Assert.Equal(1, count);
        Assert.Equal([42, 1], ids);
        Assert.Equal([0..1, 10..16], spans);
        Assert.Equal([1], MiniLmVocabulary.Encode(_reference, "unaffz"));
    }

    [Fact]
    public void Encode_LongestContinuationFailsLater_IsUnknownWithoutBacktracking()
    {
        // x, then ##ab (longer than ##a), then no piece for "c"; x ##a ##bc is never tried.
        Assert.Equal([1], Encode("xabc"));
        Assert.Equal([1], MiniLmVocabulary.Encode(_reference, "xabc"));
        Assert.Equal([9, 8], Encode("xa"));
        Assert.Equal([9, 12], Encode("xbc"));
    }

    [Theory]
    [InlineData("x", 100)]
    [InlineData("x", 101)]
    [InlineData("Ж", 100)]
    [InlineData("Ж", 101)]
    [InlineData("😀", 100)]
    [InlineData("😀", 101)]
    public void Encode_WordLength_IsCountedInCharsAndLimitedTo100(string unit, int repeat)
    {
        // 100 emoji are 200 UTF-16 units but 100 chars, which Hugging Face still splits.
        var text = string.Concat(Enumerable.Repeat(unit, repeat));

        var ids = Encode(text);

        if (repeat <= 100)
        {
            Assert.Equal(repeat, ids.Count);
            Assert.DoesNotContain(Model.UnknownId, ids);
        }
        else
        {
            Assert.Equal([Model.UnknownId], ids);
        }

        Assert.Equal(MiniLmVocabulary.Encode(_reference, text), ids);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n\u3000\u00A0 ")]
    public void Encode_NoWords_NoIds(string text)
    {
        var encoder = CreateEncoder();
        var ids = new List<int>();
        var offsets = new List<Range>();

        encoder.Encode(text, allowSpecialTokens: false, ids, offsets);

        Assert.Empty(ids);
        Assert.Empty(offsets);
        Assert.Equal(0, encoder.Count(text, allowSpecialTokens: true));
        Assert.Empty(MiniLmVocabulary.Encode(_reference, text));
    }

    [Fact]
    public void Encode_WithOffsets_PiecesSpanTheirPartOfTheOriginalWord()
    {
        const string text = "Ünaffable\t😀😀X zz";
        var encoder = CreateEncoder();
        var ids = new List<int>();
        var offsets = new List<Range>();

        encoder.Encode(text, allowSpecialTokens: false, ids, offsets);

        Assert.Equal([5, 6, 7, 13, 14, 10, 1], ids);
        Assert.Equal(["Ün", "aff", "able", "😀", "😀", "X", "zz"], offsets.Select(o => text[o]));
        Assert.Equal(MiniLmVocabulary.Encode(_reference, text), ids);
        Assert.Equal(ids.Count, encoder.Count(text, allowSpecialTokens: false));
    }

    [Fact]
    public void Encode_SpecialSpelling_IsControlTokenOnlyWhenAllowed()
    {
        const string text = "un[SEP]x [unk]";
        var encoder = CreateEncoder();
        var plain = new List<int>();
        var allowed = new List<int>();
        var offsets = new List<Range>();

        encoder.Encode(text, allowSpecialTokens: false, plain, null);
        encoder.Encode(text, allowSpecialTokens: true, allowed, offsets);

        Assert.Equal([5, 1, 1, 1, 9, 1, 1, 1], plain);
        Assert.Equal(MiniLmVocabulary.Encode(_plainReference, text), plain);
        Assert.Equal([5, 3, 9, 1, 1, 1], allowed);
        Assert.Equal(MiniLmVocabulary.Encode(_reference, text), allowed);
        Assert.Equal(["un", "[SEP]", "x", "[", "unk", "]"], offsets.Select(o => text[o]));
        Assert.Equal(allowed.Count, encoder.Count(text, allowSpecialTokens: true));
    }

    [Fact]
    public void Create_DuplicateToken_KeepsTheLastId()
    {
        var model = WordPieceModel.Create([.. Tokens, "un"]);
        var ids = new List<int>();

        model.EncodeWord("un", 0, ids, null);

        Assert.Equal([Tokens.Length], ids);
    }

    [Fact]
    public void Create_NoUnknownToken_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => WordPieceModel.Create(["a", "##b"]));
        Assert.Contains("The unknown token '[UNK]' is not in the vocabulary.", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _reference.Dispose();
        _plainReference.Dispose();
        _directory.Delete(recursive: true);
    }

    private static WordPieceTokenEncoder CreateEncoder() => new(Model, lowerCase: true, Specials);

    private static List<int> Encode(string text)
    {
        var ids = new List<int>();
        CreateEncoder().Encode(text, allowSpecialTokens: false, ids, null);
        return ids;
    }

    private Tokenizers.DotNet.Tokenizer Reference(string file, bool addedTokens)
    {
        var path = Path.Combine(_directory.FullName, file);
        File.WriteAllText(path, MiniLmVocabulary.TokenizerJson(Tokens, addedTokens));
        return new Tokenizers.DotNet.Tokenizer(path);
    }
}
