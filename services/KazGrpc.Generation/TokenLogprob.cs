namespace KazGrpc.Generation;

/// <summary>A token and its log probability under the processed distribution (see <see cref="TokenSampler"/>).</summary>
/// <param name="TokenId">The token's id in the model's vocabulary.</param>
/// <param name="Logprob">Natural log of its probability; <see cref="float.NegativeInfinity"/> for a banned token.</param>
public readonly record struct TokenLogprob(int TokenId, float Logprob);
