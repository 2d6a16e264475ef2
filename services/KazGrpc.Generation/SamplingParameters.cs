namespace KazGrpc.Generation;

/// <summary>
/// How one sequence chooses its next token. Values are validated by the caller (the service) before
/// they get here; the defaults disable each rule.
/// </summary>
public sealed record SamplingParameters
{
    /// <summary>Greedy decoding with no penalties.</summary>
    public static SamplingParameters Greedy { get; } = new();

    /// <summary>Softmax temperature in [0, 2]; 0 (the default) picks the most likely token (ties: the
    /// lowest id). <see cref="TokenSampler"/> treats values below 1e-5 as 0.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep only the k most likely tokens; 0 (the default) keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches p; in (0, 1], default 1 (all).
    /// Applied after <see cref="TopK"/>, to the probabilities of the tokens it kept.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Drop tokens less likely than min-p times the most likely one; in [0, 1], default 0 (none).</summary>
    public float MinP { get; init; }

    /// <summary>Divides positive (multiplies negative) logits of tokens seen in the prompt or output; > 0, default 1 (none).</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Subtracted once from the logit of every token already generated; in [-2, 2], default 0.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Subtracted from a token's logit once per time it was generated; in [-2, 2], default 0.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Added to the logits of the given token ids before anything else; values in [-100, 100].</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>Seed of the sequence's own random generator; a random seed when null. The same seed,
    /// model and input give the same output whatever else shares the batch.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Alternatives returned with each token's log probability; 0 (the default) returns no
    /// log probabilities at all; at most 20. They are taken after penalties and temperature, before
    /// top-k, top-p and min-p (see <see cref="SampledToken.Logprob"/>).</summary>
    public int TopLogprobs { get; init; }
}
