namespace KazGrpc.Tokenization;

/// <summary>Builds SentencePiece tokenizers from a <c>tokenizer.model</c> protobuf.</summary>
public static class SentencePieceLoader
{
    /// <summary>Loads <paramref name="modelPath"/>.</summary>
    public static TokenizerDefinition Load(string name, string modelPath, ModelTokenizerConfig config) =>
        throw new NotSupportedException($"SentencePiece loading is not implemented yet ({name}, {modelPath}, {config})");
}
