namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>Vectors in input order and the tokens they cost.</summary>
/// <param name="Vectors">One vector per input.</param>
/// <param name="PromptTokens">Tokens of all inputs, after truncation.</param>
public sealed record EmbedResult(IReadOnlyList<float[]> Vectors, int PromptTokens);
