namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>A generated token (named <c>token_id:N</c>, see <see cref="CompletionLogprobs"/>), its log
/// probability and the most likely alternatives. <c>bytes</c> is always null.</summary>
internal sealed record ChatTokenLogprob(string Token, float Logprob, IReadOnlyList<ChatTopLogprob> TopLogprobs)
{
    public int[]? Bytes { get; }
}
