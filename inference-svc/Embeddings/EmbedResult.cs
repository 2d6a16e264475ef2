using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>Vectors in input order and the tokens they cost.</summary>
/// <param name="Vectors">One vector per input.</param>
/// <param name="PromptTokens">Tokens of all inputs, after truncation.</param>
/// <param name="SensitiveSpans">The inputs' identification and phone numbers (input index, kind, code points), or null when not asked for.</param>
public sealed record EmbedResult(
    IReadOnlyList<float[]> Vectors, int PromptTokens, IReadOnlyList<(int Index, SensitiveNumberKind Kind, int Start, int End)>? SensitiveSpans = null);
