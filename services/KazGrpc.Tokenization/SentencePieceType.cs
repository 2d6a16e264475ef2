namespace KazGrpc.Tokenization;

/// <summary>A SentencePiece piece's type (<c>ModelProto.SentencePiece.Type</c>).</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
