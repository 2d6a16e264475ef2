namespace KazGrpc.Bench;

/// <summary>A batch of texts taken from a <see cref="TextPool"/>, with their total UTF-8 bytes.</summary>
internal readonly record struct TextBatch(ArraySegment<string> Texts, long Bytes);
