namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>Log probabilities in the legacy completions shape, one entry per generated token. Tokens
/// are named <c>token_id:N</c> (vLLM's spelling when it returns ids): a token's own text is not
/// always whole characters.</summary>
internal sealed record CompletionLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<Dictionary<string, float>> TopLogprobs);
