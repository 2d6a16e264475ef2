using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace KazGrpc.Tokenization;

/// <summary>
/// Builds SentencePiece tokenizers (BPE and unigram, as in Llama 2, Mistral and Gemma) from a
/// <c>tokenizer.model</c> protobuf, over Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/>.
/// </summary>
/// <remarks>
/// Ids match Google's sentencepiece (checked in tests) except where Microsoft.ML.Tokenizers 2.0.1
/// cannot, listed in <c>docs/tokenizer-differences.md</c>: a BPE model whose normaliser maps
/// characters (nmt_nfkc) is encoded without that mapping, and a BPE model's user-defined pieces
/// are not forced. Defects of the library that can be worked around are (see
/// <see cref="SentencePieceModel.ForLibrary"/> and <see cref="LibraryTokenEncoder"/>). Models with
/// <c>treat_whitespace_as_suffix</c>, and word or char models, are refused. Models trained for
/// fairseq (XLM-RoBERTa's <c>sentencepiece.bpe.model</c>) load with fairseq's ids through
/// <see cref="LoadFairseq"/>.
/// </remarks>
public static class SentencePieceLoader
{
    private const int FairseqBos = 0;
    private const int FairseqPad = 1;
    private const int FairseqEos = 2;
    private const int FairseqUnknown = 3;

    /// <summary>The model file of fairseq-trained SentencePiece tokenizers (XLM-RoBERTa, multilingual-e5).</summary>
    public const string FairseqModelFileName = "sentencepiece.bpe.model";

    /// <summary>
    /// Loads <paramref name="modelPath"/>. Control and unknown pieces are the special tokens (plain
    /// text in user input; control tokens when special tokens are allowed); BOS, when the model has
    /// one, is the framing prefix unless <see cref="ModelTokenizerConfig.AddBosToken"/> is false;
    /// EOS ends generation; max length is unknown (0) unless the configuration says.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is a word or char model, or puts spaces
    /// after words (<c>treat_whitespace_as_suffix</c>).</exception>
    public static TokenizerDefinition Load(string name, string modelPath, ModelTokenizerConfig config) =>
        Load(name, modelPath, config, fairseq: false);

    /// <summary>
    /// Loads <paramref name="modelPath"/> with the ids that fairseq gave it and that XLM-RoBERTa's
    /// embedding table (and Hugging Face's XLMRobertaTokenizer) use: <c>&lt;s&gt;</c> 0,
    /// <c>&lt;pad&gt;</c> 1, <c>&lt;/s&gt;</c> 2, <c>&lt;unk&gt;</c> 3, every other piece one above
    /// its SentencePiece id, and <c>&lt;mask&gt;</c> last. Framing is <c>&lt;s&gt; … &lt;/s&gt;</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">As <see cref="Load(string, string, ModelTokenizerConfig)"/>,
    /// or the model's unknown, BOS and EOS ids are not SentencePiece's defaults 0, 1 and 2, which the
    /// shift assumes.</exception>
    public static TokenizerDefinition LoadFairseq(string name, string modelPath, ModelTokenizerConfig config) =>
        Load(name, modelPath, config, fairseq: true);

    private static TokenizerDefinition Load(string name, string modelPath, ModelTokenizerConfig config, bool fairseq)
    {
        var bytes = File.ReadAllBytes(modelPath);
        var model = SentencePieceModel.Parse(bytes);
        if (model.ModelType is not (SentencePieceModel.Unigram or SentencePieceModel.Bpe))
        {
            throw new NotSupportedException($"{modelPath}: SentencePiece model type {model.ModelType} is not supported; only unigram (1) and BPE (2) are");
        }

        if (model.TreatWhitespaceAsSuffix)
        {
            throw new NotSupportedException($"{modelPath}: treat_whitespace_as_suffix is not supported");
        }

        if (fairseq && (model.UnknownId, model.BosId, model.EosId) != (0, 1, 2))
        {
            throw new NotSupportedException(
                $"{modelPath}: fairseq ids need unk, bos and eos at 0, 1 and 2; the model has them at {model.UnknownId}, {model.BosId} and {model.EosId}");
        }

        // fairseq's dictionary puts its four symbols first and shifts every other piece up by one.
        int Id(int piece) => !fairseq ? piece : piece switch
        {
            0 => FairseqUnknown,
            1 => FairseqBos,
            2 => FairseqEos,
            _ => piece + 1,
        };

        var table = new byte[]?[fairseq ? model.Pieces.Count + 2 : model.Pieces.Count];
        var specials = new List<SpecialToken>();
        if (fairseq)
        {
            foreach (var (content, id) in new[] { ("<s>", FairseqBos), ("<pad>", FairseqPad), ("</s>", FairseqEos), ("<unk>", FairseqUnknown), ("<mask>", table.Length - 1) })
            {
                table[id] = Encoding.UTF8.GetBytes(content);
                specials.Add(new SpecialToken(content, id));
            }
        }

        for (var piece = fairseq ? 3 : 0; piece < model.Pieces.Count; piece++)
        {
            var (text, type) = model.Pieces[piece];
            var id = Id(piece);
            switch (type)
            {
                case SentencePieceType.Byte:
                    table[id] = [ParseByte(text, modelPath)];
                    break;
                case SentencePieceType.Control or SentencePieceType.Unknown:
                    table[id] = Encoding.UTF8.GetBytes(text);
                    // A model's own <pad> under fairseq's ids keeps its bytes; fairseq's <pad> is the special one.
                    if (!specials.Exists(s => s.Content == text))
                    {
                        specials.Add(new SpecialToken(text, id));
                    }

                    break;
                default:
                    table[id] = Encoding.UTF8.GetBytes(text.Replace('\u2581', ' '));
                    break;
            }
        }

        specials.Sort((a, b) => a.Id.CompareTo(b.Id));
        int? Valid(int piece) => piece >= 0 && piece < model.Pieces.Count ? Id(piece) : null;
        var bos = Valid(model.BosId);
        var eos = Valid(model.EosId);
        var specialIds = specials.ToDictionary(s => s.Content, s => s.Id);
        var pieceIds = fairseq
            ? Enumerable.Range(0, model.Pieces.Count).Where(p => model.Pieces[p].Type is SentencePieceType.Control or SentencePieceType.Unknown)
                .ToDictionary(p => model.Pieces[p].Piece, p => p)
            : specialIds;
        var libraryModel = model.ForLibrary(bytes);
        Func<TokenEncoder> createEncoder = () => new LibraryTokenEncoder(
            SentencePieceTokenizer.Create(new MemoryStream(libraryModel, writable: false), addBeginningOfSentence: false, addEndOfSentence: false, specialTokens: null),
            () => SentencePieceTokenizer.Create(new MemoryStream(libraryModel, writable: false), addBeginningOfSentence: false, addEndOfSentence: false, pieceIds),
            model.PrepareSpaces ? SentencePieceModel.RemoveExtraSpaces : null,
            unknownId: model.ByteFallback ? null : model.UnknownId >= 0 && model.UnknownId < model.Pieces.Count ? model.UnknownId : null);
        var definition = new TokenizerDefinition
        {
            Name = name,
            Kind = TokenizerKind.SentencePiece,
            // The decoder drops the space of the dummy prefix the encoder put before the text.
            Bytes = new TokenBytes(table, specialIds.Values, stripLeadingSpace: model.AddDummyPrefix),
            SpecialTokens = specials,
            BosId = bos,
            EosIds = eos is int e ? [e] : [],
            PadId = fairseq ? FairseqPad : Valid(model.PadId),
            PrefixIds = bos is int b ? [b] : [],
            SuffixIds = fairseq ? [FairseqEos] : [],
            CreateEncoder = fairseq ? () => new MappedIdEncoder(createEncoder(), Id) : createEncoder,
        };
        return config.ApplyTo(definition);
    }

    private static byte ParseByte(string piece, string modelPath) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{modelPath}: byte piece '{piece}' is not of the form <0xNN>");
}
