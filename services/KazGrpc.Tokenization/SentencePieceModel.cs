using Google.Protobuf;

namespace KazGrpc.Tokenization;

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> (<c>sentencepiece_model.proto</c>) the loader
/// needs and Microsoft.ML.Tokenizers does not expose: each piece's type, the special ids and the
/// normaliser's flags. Field numbers and defaults are the proto's.
/// </summary>
internal sealed class SentencePieceModel
{
    public const int Unigram = 1;
    public const int Bpe = 2;

    private const int PiecesField = 1;
    private const int NormalizerField = 3;
    private const int PieceTypeField = 3;
    private const int RemoveExtraWhitespacesField = 4;

    /// <summary>Pieces in id order.</summary>
    public required IReadOnlyList<(string Piece, SentencePieceType Type)> Pieces { get; init; }

    /// <summary>1 unigram, 2 BPE, 3 word, 4 char.</summary>
    public int ModelType { get; init; } = Unigram;

    public bool ByteFallback { get; init; }

    public bool TreatWhitespaceAsSuffix { get; init; }

    public int UnknownId { get; init; }

    public int BosId { get; init; } = 1;

    public int EosId { get; init; } = 2;

    public int PadId { get; init; } = -1;

    public bool AddDummyPrefix { get; init; } = true;

    public bool RemoveExtraWhitespaces { get; init; } = true;

    /// <summary>
    /// Microsoft.ML.Tokenizers 2.0.1's BPE loses a text of one character when the model removes
    /// extra whitespace (<c>"a"</c> encodes to nothing). For such models the library is given the
    /// model without that flag and the text is prepared by <see cref="RemoveExtraSpaces"/> instead.
    /// </summary>
    public bool PrepareSpaces => ModelType == Bpe && RemoveExtraWhitespaces;

    public static SentencePieceModel Parse(byte[] bytes)
    {
        var pieces = new List<(string, SentencePieceType)>();
        var input = new CodedInputStream(bytes);
        CodedInputStream? trainer = null;
        CodedInputStream? normalizer = null;
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case PiecesField:
                    pieces.Add(ReadPiece(new CodedInputStream(input.ReadBytes().ToByteArray())));
                    break;
                case 2:
                    trainer = new CodedInputStream(input.ReadBytes().ToByteArray());
                    break;
                case NormalizerField:
                    normalizer = new CodedInputStream(input.ReadBytes().ToByteArray());
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new InvalidDataException("the SentencePiece model has no pieces");
        }

        int modelType = Unigram, unk = 0, bos = 1, eos = 2, pad = -1;
        bool byteFallback = false, suffix = false, dummyPrefix = true, removeSpaces = true;
        while (trainer?.ReadTag() is { } tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3: modelType = trainer.ReadEnum(); break;
                case 24: suffix = trainer.ReadBool(); break;
                case 35: byteFallback = trainer.ReadBool(); break;
                case 40: unk = trainer.ReadInt32(); break;
                case 41: bos = trainer.ReadInt32(); break;
                case 42: eos = trainer.ReadInt32(); break;
                case 43: pad = trainer.ReadInt32(); break;
                default: trainer.SkipLastField(); break;
            }
        }

        while (normalizer?.ReadTag() is { } tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 3: dummyPrefix = normalizer.ReadBool(); break;
                case RemoveExtraWhitespacesField: removeSpaces = normalizer.ReadBool(); break;
                default: normalizer.SkipLastField(); break;
            }
        }

        return new SentencePieceModel
        {
            Pieces = pieces,
            ModelType = modelType,
            ByteFallback = byteFallback,
            TreatWhitespaceAsSuffix = suffix,
            UnknownId = unk,
            BosId = bos,
            EosId = eos,
            PadId = pad,
            AddDummyPrefix = dummyPrefix,
            RemoveExtraWhitespaces = removeSpaces,
        };
    }

    /// <summary>
    /// The model as Microsoft.ML.Tokenizers 2.0.1 should be given it; <paramref name="bytes"/>
    /// itself when no work-around applies. Ids and pieces are unchanged.
    /// </summary>
    /// <remarks>
    /// The library's unigram model numbers byte-fallback tokens from the last piece typed BYTE
    /// instead of <c>&lt;0x00&gt;</c>, so every byte id comes out 255 too high; in the copy only
    /// <c>&lt;0x00&gt;</c> stays BYTE and the other byte pieces are CONTROL, which the unigram model
    /// neither matches in text nor numbers from. For <see cref="PrepareSpaces"/> the copy keeps
    /// extra whitespace. A scalar field that occurs twice takes its last value, so each change is
    /// one field appended to the message it changes.
    /// </remarks>
    public byte[] ForLibrary(byte[] bytes)
    {
        var retypeBytes = ModelType == Unigram && ByteFallback;
        if (!retypeBytes && !PrepareSpaces)
        {
            return bytes;
        }

        var input = new CodedInputStream(bytes);
        using var copy = new MemoryStream(bytes.Length);
        var output = new CodedOutputStream(copy);
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
            {
                throw new InvalidDataException($"unexpected field {WireFormat.GetTagFieldNumber(tag)} in a SentencePiece model");
            }

            var field = input.ReadBytes();
            var number = WireFormat.GetTagFieldNumber(tag);
            if (retypeBytes && number == PiecesField && ReadPiece(new CodedInputStream(field.ToByteArray())) is (not "<0x00>", SentencePieceType.Byte))
            {
                field = Append(field, PieceTypeField, (int)SentencePieceType.Control);
            }
            else if (PrepareSpaces && number == NormalizerField)
            {
                field = Append(field, RemoveExtraWhitespacesField, 0);
            }

            output.WriteTag(tag);
            output.WriteBytes(field);
        }

        output.Flush();
        return copy.ToArray();
    }

    /// <summary>SentencePiece's extra-whitespace removal: spaces (U+0020 only) at either end go,
    /// runs of them become one.</summary>
    public static string RemoveExtraSpaces(string text)
    {
        var trimmed = text.AsSpan().Trim(' ');
        if (trimmed.Length == text.Length && !trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(trimmed.Length);
        foreach (var ch in trimmed)
        {
            if (ch != ' ' || builder[^1] != ' ')
            {
                builder.Append(ch);
            }
        }

        return builder.ToString();
    }

    private static ByteString Append(ByteString message, int field, int value) =>
        ByteString.CopyFrom([.. message.Span, (byte)WireFormat.MakeTag(field, WireFormat.WireType.Varint), (byte)value]);

    private static (string, SentencePieceType) ReadPiece(CodedInputStream input)
    {
        var piece = string.Empty;
        var type = SentencePieceType.Normal;
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: piece = input.ReadString(); break;
                case PieceTypeField: type = (SentencePieceType)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (piece, type);
    }
}
