namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The one choice of a completion (or of one of its chunks).</summary>
internal sealed record CompletionChoice(int Index, string Text, CompletionLogprobs? Logprobs, string? FinishReason);
