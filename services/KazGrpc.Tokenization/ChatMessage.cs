namespace KazGrpc.Tokenization;

/// <summary>One message of a conversation.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The message text; special-token spellings in it stay plain text.</param>
public readonly record struct ChatMessage(string Role, string Content);
