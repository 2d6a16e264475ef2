namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>Log probabilities of a chat choice's content, one entry per generated token.</summary>
internal sealed record ChatLogprobs(IReadOnlyList<ChatTokenLogprob> Content);
