namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The one choice of a chat chunk: the new text, and the finish reason on the last.</summary>
internal sealed record ChatChunkChoice(int Index, ChatMessageOutput Delta, ChatLogprobs? Logprobs, string? FinishReason);
