namespace KazGrpc.Tokenization;

/// <summary>Builds byte-level BPE tokenizers from <c>vocab.json</c> + <c>merges.txt</c>.</summary>
public static class ByteLevelBpeLoader
{
    /// <summary>Loads the pair of files.</summary>
    public static TokenizerDefinition Load(string name, string vocabPath, string mergesPath, ModelTokenizerConfig config) =>
        throw new NotSupportedException($"BPE loading is not implemented yet ({name}, {vocabPath}, {mergesPath}, {config})");
}
