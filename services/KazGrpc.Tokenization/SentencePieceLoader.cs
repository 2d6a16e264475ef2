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
/// <c>treat_whitespace_as_suffix</c>, and word or char models, are refused.
/// </remarks>
public static class SentencePieceLoader
{
    /// <summary>
    /// Loads <paramref name="modelPath"/>. Control and unknown pieces are the special tokens (plain
    /// text in user input; control tokens when special tokens are allowed); BOS, when the model has
    /// one, is the framing prefix unless <see cref="ModelTokenizerConfig.AddBosToken"/> is false;
    /// EOS ends generation; max length is unknown (0) unless the configuration says.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is a word or char model, or puts spaces
    /// after words (<c>treat_whitespace_as_suffix</c>).</exception>
    public static TokenizerDefinition Load(string name, string modelPath, ModelTokenizerConfig config)
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

        var table = new byte[]?[model.Pieces.Count];
        var specials = new List<SpecialToken>();
        for (var id = 0; id < table.Length; id++)
        {
            var (piece, type) = model.Pieces[id];
            switch (type)
            {
                case SentencePieceType.Byte:
                    table[id] = [ParseByte(piece, modelPath)];
                    break;
                case SentencePieceType.Control or SentencePieceType.Unknown:
                    table[id] = Encoding.UTF8.GetBytes(piece);
                    specials.Add(new SpecialToken(piece, id));
                    break;
                default:
                    table[id] = Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' '));
                    break;
            }
        }

        int? Valid(int id) => id >= 0 && id < table.Length ? id : null;
        var bos = Valid(model.BosId);
        var eos = Valid(model.EosId);
        var specialIds = specials.ToDictionary(s => s.Content, s => s.Id);
        var libraryModel = model.ForLibrary(bytes);
        var definition = new TokenizerDefinition
        {
            Name = name,
            Kind = TokenizerKind.SentencePiece,
            // The decoder drops the space of the dummy prefix the encoder put before the text.
            Bytes = new TokenBytes(table, specialIds.Values, stripLeadingSpace: model.AddDummyPrefix),
            SpecialTokens = specials,
            BosId = bos,
            EosIds = eos is int e ? [e] : [],
            PadId = Valid(model.PadId),
            PrefixIds = bos is int b ? [b] : [],
            CreateEncoder = () => new LibraryTokenEncoder(
                SentencePieceTokenizer.Create(new MemoryStream(libraryModel, writable: false), addBeginningOfSentence: false, addEndOfSentence: false, specialTokens: null),
                () => SentencePieceTokenizer.Create(new MemoryStream(libraryModel, writable: false), addBeginningOfSentence: false, addEndOfSentence: false, specialIds),
                model.PrepareSpaces ? SentencePieceModel.RemoveExtraSpaces : null,
                unknownId: model.ByteFallback ? null : Valid(model.UnknownId)),
        };
        return config.ApplyTo(definition);
    }

    private static byte ParseByte(string piece, string modelPath) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{modelPath}: byte piece '{piece}' is not of the form <0xNN>");
}
