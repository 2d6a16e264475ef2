namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>What <see cref="HuggingFaceBpeConverter"/> wrote.</summary>
/// <param name="VocabularySize">Entries of <c>vocab.json</c>.</param>
/// <param name="MergeCount">Lines of <c>merges.txt</c> after its header.</param>
/// <param name="SpecialTokens">Spellings of the control tokens in <c>added_tokens_decoder</c>.</param>
/// <param name="Pattern">The split pattern written to <c>tokenizer_config.json</c>; null when it is GPT-2's.</param>
/// <param name="Warnings">Things the converted tokenizer does differently from the original.</param>
internal sealed record ConversionResult(
    int VocabularySize,
    int MergeCount,
    IReadOnlyList<string> SpecialTokens,
    string? Pattern,
    IReadOnlyList<string> Warnings);
