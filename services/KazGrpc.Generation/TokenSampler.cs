using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KazGrpc.Generation;

/// <summary>
/// Chooses the next token of one sequence from the model's logits, under that sequence's
/// <see cref="SamplingParameters"/>, penalty state and random generator.
/// </summary>
/// <remarks>
/// <para>
/// The logits are processed in this order (as Hugging Face and vLLM do): logit bias; repetition
/// penalty over the distinct tokens of prompt and output (positive logits divided, negative
/// multiplied); presence and frequency penalties over generated tokens only (OpenAI's rule); banned
/// tokens set to minus infinity. Then temperature 0 (or below 1e-5, as in vLLM, where 1 /
/// temperature would overflow the arithmetic) takes the most likely token (ties: lowest id);
/// otherwise the logits are scaled by 1 / temperature and filtered by top-k, then top-p over what
/// top-k kept, then min-p, and the token is drawn from what remains with the sequence's own
/// generator. Where a filter's boundary falls between equal probabilities, the lower id is kept.
/// </para>
/// <para>
/// Log probabilities (only when <see cref="SamplingParameters.TopLogprobs"/> &gt; 0) are the
/// log-softmax of the processed logits after temperature (1 when greedy), before the filters.
/// </para>
/// <para>
/// Penalties touch only the ids they name; no step sorts the vocabulary. Greedy is a copy and an
/// arg-max; top-k is one partial-selection pass; top-p finds its threshold by bisection on the
/// probability mass and sorts only the tokens near the boundary.
/// </para>
/// <para>
/// One instance belongs to one sequence and is not thread-safe; instances share nothing, so
/// different sequences may be sampled on different threads at once. The generator is
/// xoshiro256** seeded through SplitMix64, so a seeded sequence's draws depend only on its seed and
/// on the logits it sees, not on what shares the batch or on scheduling. Sampling draws one number
/// per token; greedy draws none.
/// </para>
/// </remarks>
public sealed class TokenSampler
{
    // Temperatures below this are greedy: 1 / temperature would overflow the scaled scores.
    private const float GreedyBelow = 1e-5f;

    // Top-p sorts at most about this many tokens near its boundary (more only with many equal probabilities).
    private const int BandLimit = 512;

    // The draw walks the kept probabilities in chunks of this many tokens, summed a vector at a time.
    private const int WalkChunk = 4096;

    private readonly int[] _biasIds;
    private readonly float[] _biasValues;
    private readonly HashSet<int>? _seen;
    private readonly Dictionary<int, int>? _counts;
    private readonly Xoshiro256StarStar _random;

    /// <summary>Creates the sampler of one sequence.</summary>
    /// <param name="parameters">The sequence's sampling parameters (already validated by the service;
    /// values that would break the arithmetic are rejected here too).</param>
    /// <param name="promptTokenIds">The prompt's token ids, seen by the repetition penalty. Not kept
    /// unless the repetition penalty is on.</param>
    /// <param name="vocabSize">Number of logits per position.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range, or a prompt or
    /// logit-bias id is outside [0, <paramref name="vocabSize"/>).</exception>
    public TokenSampler(SamplingParameters parameters, ReadOnlySpan<int> promptTokenIds, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        Validate(parameters);
        Parameters = parameters;
        VocabSize = vocabSize;

        _biasIds = new int[parameters.LogitBias.Count];
        _biasValues = new float[parameters.LogitBias.Count];
        var i = 0;
        foreach (var (id, bias) in parameters.LogitBias)
        {
            CheckTokenId(id, nameof(parameters));
            _biasIds[i] = id;
            _biasValues[i++] = bias;
        }

        foreach (var id in promptTokenIds)
        {
            CheckTokenId(id, nameof(promptTokenIds));
        }

        if (parameters.RepetitionPenalty != 1f)
        {
            _seen = [.. promptTokenIds];
        }

        if (parameters.PresencePenalty != 0f || parameters.FrequencyPenalty != 0f)
        {
            _counts = [];
        }

        Seed = parameters.Seed ?? RandomSeed();
        _random = new Xoshiro256StarStar(Seed);
    }

    /// <summary>The parameters this sampler was created with.</summary>
    public SamplingParameters Parameters { get; }

    /// <summary>Number of logits per position.</summary>
    public int VocabSize { get; }

    /// <summary>The seed of this sequence's generator: <see cref="SamplingParameters.Seed"/>, or the
    /// random one drawn when that was null.</summary>
    public ulong Seed { get; }

    /// <summary>Tokens passed to <see cref="Accept"/> so far.</summary>
    public int GeneratedCount { get; private set; }

    /// <summary>
    /// Chooses the next token. Does not record it: call <see cref="Accept"/> with the token the
    /// sequence actually appends.
    /// </summary>
    /// <param name="logits">The model's <see cref="VocabSize"/> logits for this sequence; read, never written.</param>
    /// <param name="bannedTokens">Ids that must not be chosen (say EOS and stop ids before the
    /// minimum length); their log probability is minus infinity.</param>
    /// <param name="workspace">Scratch of at least <see cref="VocabSize"/> floats, owned by the
    /// caller and overwritten; one per thread that samples at a time.</param>
    /// <returns>The chosen token; with log probabilities when the parameters ask for them.</returns>
    /// <exception cref="ArgumentException">The logits or workspace have the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A banned id is outside the vocabulary.</exception>
    /// <exception cref="InvalidOperationException">No token can be chosen: a logit is NaN or
    /// +infinity, or every token is banned or minus infinity.</exception>
    public SampledToken Sample(ReadOnlySpan<float> logits, ReadOnlySpan<int> bannedTokens, Span<float> workspace)
    {
        if (logits.Length != VocabSize)
        {
            throw new ArgumentException($"Expected {VocabSize} logits, got {logits.Length}.", nameof(logits));
        }

        if (workspace.Length < VocabSize)
        {
            throw new ArgumentException($"The workspace holds {workspace.Length} floats; it needs at least {VocabSize}.", nameof(workspace));
        }

        var scores = workspace[..VocabSize];
        logits.CopyTo(scores);
        ApplyBiasAndPenalties(scores);
        foreach (var id in bannedTokens)
        {
            CheckTokenId(id, nameof(bannedTokens));
            scores[id] = float.NegativeInfinity;
        }

        var temperature = Parameters.Temperature;
        if (temperature < GreedyBelow)
        {
            return SampleGreedy(scores);
        }

        // Scaling by 1 / temperature keeps the order of the scores, so it waits until it is fused with another pass.
        var max = MaxOrThrow(scores);
        var topK = Parameters.TopK;
        return topK > 0 && topK < VocabSize
            ? SampleTopK(scores, max, 1f / temperature, topK)
            : SampleAll(logits, scores, max, 1f / temperature);
    }

    /// <summary>Records a token appended to the sequence, for the penalties.</summary>
    /// <param name="tokenId">The token's id.</param>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public void Accept(int tokenId)
    {
        CheckTokenId(tokenId, nameof(tokenId));
        GeneratedCount++;
        _seen?.Add(tokenId);
        if (_counts is not null)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, tokenId, out _)++;
        }
    }

    private SampledToken SampleGreedy(Span<float> scores)
    {
        var alternatives = Parameters.TopLogprobs;
        var max = MaxOrThrow(scores);
        if (alternatives == 0)
        {
            return new SampledToken(LogitKernels.IndexOfFirst(scores, max), float.NaN);
        }

        var rented = ArrayPool<ScoredToken>.Shared.Rent(alternatives);
        try
        {
            var best = rented.AsSpan(0, LogitKernels.SelectTop(scores, rented.AsSpan(0, alternatives)));
            var top = ToLogprobs(best, max, 1f, LogSumExp(scores, max, 1f));
            return new SampledToken(top[0].TokenId, top[0].Logprob, top);
        }
        finally
        {
            ArrayPool<ScoredToken>.Shared.Return(rented);
        }
    }

    private SampledToken SampleTopK(Span<float> scores, float max, float inverseTemperature, int topK)
    {
        var alternatives = Parameters.TopLogprobs;
        var rented = ArrayPool<ScoredToken>.Shared.Rent(Math.Max(topK, alternatives));
        var weights = ArrayPool<double>.Shared.Rent(topK);
        try
        {
            var best = rented.AsSpan(0, LogitKernels.SelectTop(scores, rented.AsSpan(0, Math.Max(topK, alternatives))));
            var candidates = best[..Math.Min(topK, best.Length)];
            var kept = weights.AsSpan(0, candidates.Length);
            for (var i = 0; i < kept.Length; i++)
            {
                kept[i] = Math.Exp(((double)candidates[i].Value - max) * inverseTemperature);
            }

            var chosen = candidates[Draw(kept[..Cut(kept)])];
            if (alternatives == 0)
            {
                return new SampledToken(chosen.Id, float.NaN);
            }

            var logSum = LogSumExp(scores, max, inverseTemperature);
            return new SampledToken(
                chosen.Id,
                Logprob(chosen.Value, max, inverseTemperature, logSum),
                ToLogprobs(best[..Math.Min(alternatives, best.Length)], max, inverseTemperature, logSum));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(weights);
            ArrayPool<ScoredToken>.Shared.Return(rented);
        }
    }

    private SampledToken SampleAll(ReadOnlySpan<float> logits, Span<float> scores, float max, float inverseTemperature)
    {
        var alternatives = Parameters.TopLogprobs;
        var rented = alternatives > 0 ? ArrayPool<ScoredToken>.Shared.Rent(alternatives) : null;
        try
        {
            var best = rented is null
                ? []
                : rented.AsSpan(0, LogitKernels.SelectTop(scores, rented.AsSpan(0, alternatives)));

            // From here on scores holds exp((score - max) / temperature): probabilities up to one normaliser.
            LogitKernels.ShiftScale(scores, max, inverseTemperature);
            TensorPrimitives.Exp(scores, scores);
            var total = LogitKernels.SumAtLeast(scores, 0f, out var count);
            var threshold = Parameters.TopP < 1f ? KeepNucleus(scores, total * Parameters.TopP, count) : 0f;
            if (Parameters.MinP > 0f)
            {
                // The vectorised exp(0) may be a bit above 1, so min-p is relative to the largest weight as computed.
                threshold = MathF.Max(threshold, Parameters.MinP * TensorPrimitives.Max(scores));
            }

            if (threshold > 0f)
            {
                LogitKernels.ZeroBelow(scores, threshold);
            }

            var id = DrawFromScores(scores);
            if (alternatives == 0)
            {
                return new SampledToken(id, float.NaN);
            }

            var logSum = Math.Log(total);
            return new SampledToken(
                id,
                Logprob(ProcessedLogit(logits, id), max, inverseTemperature, logSum),
                ToLogprobs(best, max, inverseTemperature, logSum));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ScoredToken>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Zeroes every weight outside the nucleus (the fewest most likely tokens whose mass reaches
    /// <paramref name="target"/>) and returns the smallest weight it keeps, below which the caller
    /// zeroes the rest. Bisection on a weight threshold narrows the boundary to a band of at most
    /// <see cref="BandLimit"/> tokens; only that band is sorted.
    /// </summary>
    private static float KeepNucleus(Span<float> weights, double target, int countAll)
    {
        float low = 0f, high = 2f;
        int countLow = countAll, countHigh = 0;
        var massHigh = 0.0;
        for (var step = 0; step < 64 && countLow - countHigh > BandLimit; step++)
        {
            // Geometric steps: the weights span many orders of magnitude.
            var mid = low > 0f ? MathF.Sqrt(low) * MathF.Sqrt(high) : high * (1f / (1 << 20));
            if (!(mid > low && mid < high))
            {
                break;
            }

            var mass = LogitKernels.SumAtLeast(weights, mid, out var count);
            if (mass >= target)
            {
                (low, countLow) = (mid, count);
            }
            else
            {
                (high, countHigh, massHigh) = (mid, count, mass);
            }
        }

        var rented = ArrayPool<ScoredToken>.Shared.Rent(countLow - countHigh);
        try
        {
            var band = rented.AsSpan(0, LogitKernels.GatherBand(weights, low, high, rented.AsSpan(0, countLow - countHigh)));
            if (band.IsEmpty)
            {
                return low;
            }

            band.Sort(ScoredToken.BetterFirst);
            var cut = band.Length - 1;
            var mass = massHigh;
            for (var i = 0; i < band.Length; i++)
            {
                mass += band[i].Value;
                if (mass >= target)
                {
                    cut = i;
                    break;
                }
            }

            // Equal weights past the cut have higher ids: out, although the threshold would keep them.
            for (var i = cut + 1; i < band.Length && band[i].Value == band[cut].Value; i++)
            {
                weights[band[i].Id] = 0f;
            }

            return band[cut].Value;
        }
        finally
        {
            ArrayPool<ScoredToken>.Shared.Return(rented);
        }
    }

    /// <summary>How many of the sorted candidate weights top-p and min-p keep (at least one).</summary>
    private int Cut(ReadOnlySpan<double> weights)
    {
        var cut = weights.Length;
        if (Parameters.TopP < 1f)
        {
            var total = 0.0;
            foreach (var w in weights)
            {
                total += w;
            }

            var target = total * Parameters.TopP;
            var mass = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                mass += weights[i];
                if (mass >= target)
                {
                    cut = i + 1;
                    break;
                }
            }
        }

        for (var i = 1; i < cut; i++)
        {
            if (weights[i] < Parameters.MinP * weights[0])
            {
                cut = i;
                break;
            }
        }

        return Math.Max(cut, 1);
    }

    /// <summary>Draws an index with probability proportional to its weight.</summary>
    private int Draw(ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var u = _random.NextDouble() * total;
        var mass = 0.0;
        var last = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                mass += weights[i];
                last = i;
                if (u < mass)
                {
                    return i;
                }
            }
        }

        return last;
    }

    /// <summary>Draws a token with probability proportional to its (unnormalised, zero for excluded) weight.</summary>
    private int DrawFromScores(ReadOnlySpan<float> weights)
    {
        var chunks = (weights.Length + WalkChunk - 1) / WalkChunk;
        var sums = ArrayPool<double>.Shared.Rent(chunks);
        try
        {
            var total = 0.0;
            for (var c = 0; c < chunks; c++)
            {
                sums[c] = LogitKernels.SumAtLeast(Chunk(weights, c), 0f, out _);
                total += sums[c];
            }

            var u = _random.NextDouble() * total;
            var mass = 0.0;
            for (var c = 0; c < chunks; c++)
            {
                if (u >= mass + sums[c])
                {
                    mass += sums[c];
                    continue;
                }

                var start = c * WalkChunk;
                var chunk = Chunk(weights, c);
                var last = -1;
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (chunk[i] > 0f)
                    {
                        mass += chunk[i];
                        last = start + i;
                        if (u < mass)
                        {
                            return start + i;
                        }
                    }
                }

                if (last >= 0)
                {
                    return last;
                }
            }

            // Rounding left u at the very end: the last kept token.
            for (var i = weights.Length - 1; i > 0; i--)
            {
                if (weights[i] > 0f)
                {
                    return i;
                }
            }

            return 0;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    private static ReadOnlySpan<float> Chunk(ReadOnlySpan<float> weights, int chunk)
    {
        var start = chunk * WalkChunk;
        return weights.Slice(start, Math.Min(WalkChunk, weights.Length - start));
    }

    private void ApplyBiasAndPenalties(Span<float> scores)
    {
        for (var i = 0; i < _biasIds.Length; i++)
        {
            scores[_biasIds[i]] += _biasValues[i];
        }

        if (_seen is not null)
        {
            var penalty = Parameters.RepetitionPenalty;
            foreach (var id in _seen)
            {
                var x = scores[id];
                scores[id] = x > 0f ? x / penalty : x * penalty;
            }
        }

        if (_counts is not null)
        {
            var (presence, frequency) = (Parameters.PresencePenalty, Parameters.FrequencyPenalty);
            foreach (var (id, count) in _counts)
            {
                scores[id] -= (count * frequency) + presence;
            }
        }
    }

    /// <summary>One token's logit after bias and penalties: the same arithmetic, in the same order,
    /// as <see cref="ApplyBiasAndPenalties"/>.</summary>
    private float ProcessedLogit(ReadOnlySpan<float> logits, int id)
    {
        var x = logits[id];
        if (Parameters.LogitBias.TryGetValue(id, out var bias))
        {
            x += bias;
        }

        if (_seen is not null && _seen.Contains(id))
        {
            var penalty = Parameters.RepetitionPenalty;
            x = x > 0f ? x / penalty : x * penalty;
        }

        if (_counts is not null && _counts.TryGetValue(id, out var count))
        {
            x -= (count * Parameters.FrequencyPenalty) + Parameters.PresencePenalty;
        }

        return x;
    }

    /// <summary>
    /// log of the sum of exp((score - max) / temperature), the log-softmax's normaliser less the
    /// max; overwrites <paramref name="scores"/> with those exponentials.
    /// </summary>
    private static double LogSumExp(Span<float> scores, float max, float inverseTemperature)
    {
        LogitKernels.ShiftScale(scores, max, inverseTemperature);
        TensorPrimitives.Exp(scores, scores);
        return Math.Log(LogitKernels.SumAtLeast(scores, 0f, out _));
    }

    /// <summary>The log-softmax of a processed score, given the normaliser from <see cref="LogSumExp"/>.</summary>
    private static float Logprob(float score, float max, float inverseTemperature, double logSum) =>
        (float)((((double)score - max) * inverseTemperature) - logSum);

    private static TokenLogprob[] ToLogprobs(ReadOnlySpan<ScoredToken> best, float max, float inverseTemperature, double logSum)
    {
        var top = new TokenLogprob[best.Length];
        for (var i = 0; i < best.Length; i++)
        {
            top[i] = new TokenLogprob(best[i].Id, Logprob(best[i].Value, max, inverseTemperature, logSum));
        }

        return top;
    }

    private static float MaxOrThrow(ReadOnlySpan<float> scores)
    {
        var max = TensorPrimitives.Max(scores);
        return float.IsFinite(max) ? max : throw NoTokenLeft();
    }

    private static InvalidOperationException NoTokenLeft() =>
        new("No token can be chosen: a logit is NaN or +infinity, or every token is banned or minus infinity.");

    private void CheckTokenId(int id, string paramName)
    {
        if ((uint)id >= (uint)VocabSize)
        {
            throw new ArgumentOutOfRangeException(paramName, id, $"Token id {id} is outside the vocabulary [0, {VocabSize}).");
        }
    }

    private static void Validate(SamplingParameters parameters)
    {
        var p = parameters;
        ArgumentNullException.ThrowIfNull(p.LogitBias, nameof(p.LogitBias));
        Check(p.Temperature >= 0f && float.IsFinite(p.Temperature), p.Temperature, "Temperature must be finite and >= 0.");
        Check(p.TopK >= 0, p.TopK, "TopK must be >= 0.");
        Check(p.TopP > 0f && p.TopP <= 1f, p.TopP, "TopP must be in (0, 1].");
        Check(p.MinP >= 0f && p.MinP <= 1f, p.MinP, "MinP must be in [0, 1].");
        Check(p.RepetitionPenalty > 0f && float.IsFinite(p.RepetitionPenalty), p.RepetitionPenalty, "RepetitionPenalty must be finite and > 0.");
        Check(float.IsFinite(p.PresencePenalty), p.PresencePenalty, "PresencePenalty must be finite.");
        Check(float.IsFinite(p.FrequencyPenalty), p.FrequencyPenalty, "FrequencyPenalty must be finite.");
        Check(p.TopLogprobs >= 0, p.TopLogprobs, "TopLogprobs must be >= 0.");
        foreach (var bias in p.LogitBias.Values)
        {
            Check(float.IsFinite(bias), bias, "LogitBias values must be finite.");
        }

        void Check(bool valid, object value, string message)
        {
            if (!valid)
            {
                throw new ArgumentOutOfRangeException(nameof(parameters), value, message);
            }
        }
    }

    private static ulong RandomSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
