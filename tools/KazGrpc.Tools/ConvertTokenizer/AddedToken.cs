namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>An entry of <c>tokenizer.json</c>'s <c>added_tokens</c>.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized);
