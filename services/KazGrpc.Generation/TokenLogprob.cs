namespace KazGrpc.Generation;

/// <summary>A token with its natural-log probability.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Logprob">Its log probability.</param>
public readonly record struct TokenLogprob(int TokenId, float Logprob);
