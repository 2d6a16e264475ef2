using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization.Tests;

/// <summary>
/// The trie encoder against the one it replaced: this project's normaliser and pre-tokenizer around
/// Microsoft.ML.Tokenizers' WordPiece model. Ids are also compared with Hugging Face in
/// <see cref="WordPieceLoaderTests"/>; this pins the offsets, which have no reference there.
/// </summary>
public sealed class WordPieceTokenEncoderTests : IClassFixture<MiniLmVocabulary>
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private readonly MiniLmVocabulary _vocabulary;

    public WordPieceTokenEncoderTests(MiniLmVocabulary vocabulary) => _vocabulary = vocabulary;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encode_Corpus_SameIdsAndOffsetsAsLibraryWordPiece(bool allowSpecialTokens)
    {
        var encoder = WordPieceLoader.Load("minilm", _vocabulary.VocabPath, ModelTokenizerConfig.Empty).CreateEncoder();
        var library = new LibraryTokenEncoder(Library(specials: null), () => Library(Specials));
        foreach (var text in Corpus.Lines.Union(WordPieceLoaderTests.Texts).Append("[CLS] Café [SEP]中文 [MASK]x[PAD] [UNK]"))
        {
            var (ids, offsets) = (new List<int>(), new List<Range>());
            var (expectedIds, expectedOffsets) = (new List<int>(), new List<Range>());

            encoder.Encode(text, allowSpecialTokens, ids, offsets);
            library.Encode(text, allowSpecialTokens, expectedIds, expectedOffsets);

            Assert.Equal(expectedIds, ids);
            Assert.Equal(expectedOffsets, offsets);
            Assert.Equal(ids.Count, encoder.Count(text, allowSpecialTokens));
        }
    }

    private WordPieceTokenizer Library(IReadOnlyList<string>? specials)
    {
        using var vocab = File.OpenRead(_vocabulary.VocabPath);
        return WordPieceTokenizer.Create(vocab, new WordPieceOptions
        {
            Normalizer = new BertTextNormalizer(lowerCase: true, specials),
            PreTokenizer = new BertWordSplitter(specials),
            UnknownToken = "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 100,
        });
    }
}
