using KazGrpc.Text;

namespace KazGrpc.Tokenization;

/// <summary>The encoding of one text.</summary>
/// <param name="Ids">Token ids, framing included when asked for.</param>
/// <param name="Offsets">Per id, its span in Unicode code points (end exclusive), or null when not asked for.</param>
/// <param name="Truncated">True when a token limit cut ids from the end.</param>
/// <param name="SensitiveSpans">The text's sensitive numbers, each with its span in code points of the
/// text as given, or null when not asked for.</param>
public sealed record TokenizeResult(int[] Ids, (int Start, int End)[]? Offsets, bool Truncated, IReadOnlyList<(SensitiveNumberKind Kind, int Start, int End)>? SensitiveSpans = null);
