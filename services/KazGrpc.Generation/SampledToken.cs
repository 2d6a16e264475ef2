namespace KazGrpc.Generation;

/// <summary>
/// The token a <see cref="TokenSampler"/> chose, with its log probability and the most likely
/// alternatives when the sequence asked for them (<see cref="SamplingParameters.TopLogprobs"/> &gt; 0).
/// </summary>
public readonly record struct SampledToken
{
    private readonly IReadOnlyList<TokenLogprob>? _topLogprobs;

    /// <summary>Creates a sampled token.</summary>
    /// <param name="tokenId">The chosen token's id.</param>
    /// <param name="logprob">Its log probability, or <see cref="float.NaN"/> when none was asked for.</param>
    /// <param name="topLogprobs">The alternatives, most likely first; null for none.</param>
    public SampledToken(int tokenId, float logprob, IReadOnlyList<TokenLogprob>? topLogprobs = null)
    {
        TokenId = tokenId;
        Logprob = logprob;
        _topLogprobs = topLogprobs;
    }

    /// <summary>The chosen token's id.</summary>
    public int TokenId { get; }

    /// <summary>
    /// Natural log of the chosen token's probability: the log-softmax of the logits after bias,
    /// penalties, banned tokens and temperature (temperature 1 when greedy), before top-k, top-p and
    /// min-p. <see cref="float.NaN"/> when <see cref="SamplingParameters.TopLogprobs"/> is 0.
    /// </summary>
    public float Logprob { get; }

    /// <summary>
    /// The <see cref="SamplingParameters.TopLogprobs"/> most likely tokens under the same distribution
    /// as <see cref="Logprob"/>, most likely first (ties: lowest id first); empty (never null) when
    /// none was asked for.
    /// </summary>
    public IReadOnlyList<TokenLogprob> TopLogprobs => _topLogprobs ?? [];
}
