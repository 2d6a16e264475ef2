namespace KazGrpc.Tokenization;

/// <summary>A piece of a rendered chat prompt: either a control token's spelling or plain text.</summary>
/// <param name="Text">The piece's text.</param>
/// <param name="ControlId">The control token's id, or null for plain text.</param>
public readonly record struct ChatSegment(string Text, int? ControlId);
