namespace KazGrpc.Generation;

/// <summary>One generated token as a sequence's reader receives it.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Logprob">Its log probability (0 when the request asked for none).</param>
/// <param name="TopLogprobs">The most likely alternatives, most likely first; null when the request asked for none.</param>
public readonly record struct GeneratedToken(int TokenId, float Logprob, TokenLogprob[]? TopLogprobs);
