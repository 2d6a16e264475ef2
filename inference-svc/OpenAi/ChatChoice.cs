namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The one choice of a chat completion.</summary>
internal sealed record ChatChoice(int Index, ChatMessageOutput Message, ChatLogprobs? Logprobs, string? FinishReason);
