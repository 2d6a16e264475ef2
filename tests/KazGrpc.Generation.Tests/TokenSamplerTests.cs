namespace KazGrpc.Generation.Tests;

/// <summary>
/// The sampler against the plain maths: arg-max, log-softmax and draw frequencies computed in
/// double in the test, on small vocabularies and on one of o200k's size.
/// </summary>
public sealed class TokenSamplerTests
{
    private static readonly float[] FourTokens = [2.0f, 1.5f, 0.5f, -1.0f];

    [Fact]
    public void Sample_Greedy_ReturnsArgMax()
    {
        var logits = Logits.Gaussian(1003, 2.0, seed: 1);

        var token = Sample(SamplingParameters.Greedy, logits);

        Assert.Equal(Logits.ArgMax(logits), token.TokenId);
    }

    [Fact]
    public void Sample_TinyTemperature_IsGreedy()
    {
        var logits = Logits.Gaussian(1003, 2.0, seed: 2);

        var token = Sample(new SamplingParameters { Temperature = 1e-30f, TopLogprobs = 1 }, logits);

        Assert.Equal(Logits.ArgMax(logits), token.TokenId);
        Assert.True(float.IsFinite(token.Logprob));
    }

    [Fact]
    public void Sample_GreedyTie_ReturnsLowestId()
    {
        float[] logits = [0f, 3f, 1f, 3f, 3f];

        Assert.Equal(1, Sample(SamplingParameters.Greedy, logits).TokenId);
        Assert.Equal(1, Sample(SamplingParameters.Greedy with { TopLogprobs = 2 }, logits).TokenId);
    }

    [Fact]
    public void Sample_LogitBias_ChangesArgMax()
    {
        var parameters = new SamplingParameters { LogitBias = new Dictionary<int, float> { [2] = 1.6f, [0] = -0.1f } };

        Assert.Equal(2, Sample(parameters, FourTokens).TokenId);
    }

    [Fact]
    public void Sample_RepetitionPenaltyOnPromptToken_DividesItsPositiveLogit()
    {
        var parameters = new SamplingParameters { RepetitionPenalty = 1.5f };

        var token = Sample(parameters, FourTokens, prompt: [0]);

        // 2.0 / 1.5 = 1.33 falls below token 1's 1.5.
        Assert.Equal(1, token.TokenId);
    }

    [Fact]
    public void Sample_RepetitionPenalty_MultipliesNegativeLogitsAndCountsPromptAndOutput()
    {
        var parameters = new SamplingParameters { RepetitionPenalty = 2f, TopLogprobs = 4 };
        var sampler = new TokenSampler(parameters, [3, 3], FourTokens.Length);
        sampler.Accept(1);

        var token = sampler.Sample(FourTokens, [], new float[FourTokens.Length]);

        var expected = Logits.LogSoftmax([2.0f, 0.75f, 0.5f, -2.0f]);
        AssertLogprobs(expected, token);
        Assert.Equal(0, token.TokenId);
    }

    [Fact]
    public void Sample_PresencePenalty_SubtractsOnceForGeneratedTokensOnly()
    {
        var parameters = new SamplingParameters { PresencePenalty = 0.8f, TopLogprobs = 4 };
        var sampler = new TokenSampler(parameters, [1], FourTokens.Length);
        sampler.Accept(0);
        sampler.Accept(0);

        var token = sampler.Sample(FourTokens, [], new float[FourTokens.Length]);

        // 2.0 - 0.8 = 1.2 (once, though generated twice) is below 1.5; the prompt's token 1 is untouched.
        Assert.Equal(1, token.TokenId);
        AssertLogprobs(Logits.LogSoftmax([1.2f, 1.5f, 0.5f, -1.0f]), token);
    }

    [Fact]
    public void Sample_FrequencyPenalty_GrowsWithEachGeneration()
    {
        var parameters = new SamplingParameters { FrequencyPenalty = 0.2f };
        var sampler = new TokenSampler(parameters, [], FourTokens.Length);
        var workspace = new float[FourTokens.Length];

        sampler.Accept(0);
        Assert.Equal(0, sampler.Sample(FourTokens, [], workspace).TokenId);
        sampler.Accept(0);
        Assert.Equal(0, sampler.Sample(FourTokens, [], workspace).TokenId);
        sampler.Accept(0);

        // 2.0 - 3 * 0.2 = 1.4 < 1.5.
        Assert.Equal(1, sampler.Sample(FourTokens, [], workspace).TokenId);
        Assert.Equal(3, sampler.GeneratedCount);
    }

    [Fact]
    public void Sample_AllRulesTogether_LogprobsFollowTheOrderOfProcessing()
    {
        var parameters = new SamplingParameters
        {
            Temperature = 0.7f,
            LogitBias = new Dictionary<int, float> { [0] = -3f, [2] = 1f },
            RepetitionPenalty = 1.25f,
            PresencePenalty = 0.5f,
            FrequencyPenalty = 0.25f,
            TopLogprobs = 4,
            Seed = 3,
        };
        var sampler = new TokenSampler(parameters, [0], FourTokens.Length);
        sampler.Accept(2);
        sampler.Accept(2);

        var token = sampler.Sample(FourTokens, [3], new float[FourTokens.Length]);

        // Bias: [-1, 1.5, 1.5, -1]; repetition over {0, 2}: [-1.25, 1.5, 1.2, -1];
        // presence and frequency over 2 (twice): 1.2 - 0.5 - 0.5 = 0.2; token 3 banned.
        float[] processed = [-1.25f, 1.5f, 0.2f, float.NegativeInfinity];
        var expected = Logits.LogSoftmax(processed, temperature: 0.7);
        AssertLogprobs(expected, token);
        Assert.Equal(float.NegativeInfinity, token.TopLogprobs[3].Logprob);
    }

    [Fact]
    public void Sample_BannedMostLikelyToken_IsNeverChosen()
    {
        var greedy = Sample(SamplingParameters.Greedy, FourTokens, banned: [0]);
        Assert.Equal(1, greedy.TokenId);

        var sampler = new TokenSampler(new SamplingParameters { Temperature = 2f, Seed = 5 }, [], FourTokens.Length);
        var workspace = new float[FourTokens.Length];
        for (var i = 0; i < 2000; i++)
        {
            Assert.NotEqual(0, sampler.Sample(FourTokens, [0, 2], workspace).TokenId);
        }
    }

    [Fact]
    public void Sample_EveryTokenBanned_Throws()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Sample(SamplingParameters.Greedy, FourTokens, banned: [0, 1, 2, 3]));

        Assert.Contains("every token is banned", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1003, 0.5f)]
    [InlineData(1003, 1.7f)]
    [InlineData(Logits.O200kVocabSize, 1f)]
    public void Sample_TopKOne_EqualsGreedy(int vocabSize, float temperature)
    {
        var logits = Logits.Gaussian(vocabSize, 2.0, seed: 7);
        var sampler = new TokenSampler(new SamplingParameters { Temperature = temperature, TopK = 1, Seed = 1 }, [], vocabSize);
        var workspace = new float[vocabSize];

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(Logits.ArgMax(logits), sampler.Sample(logits, [], workspace).TokenId);
        }
    }

    [Theory]
    [InlineData(1003)]
    [InlineData(Logits.O200kVocabSize)]
    public void Sample_SmallTopP_EqualsGreedy(int vocabSize)
    {
        var logits = Logits.Gaussian(vocabSize, 2.0, seed: 8);
        var sampler = new TokenSampler(new SamplingParameters { Temperature = 1f, TopP = 1e-4f, Seed = 2 }, [], vocabSize);
        var workspace = new float[vocabSize];

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(Logits.ArgMax(logits), sampler.Sample(logits, [], workspace).TokenId);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Sample_MinP_DropsTokensBelowItsShareOfTheMostLikely(int topK)
    {
        // Probabilities about 0.53, 0.32, 0.12 and 0.03: min-p 0.3 keeps tokens of at least 0.16.
        var parameters = new SamplingParameters { Temperature = 1f, MinP = 0.3f, TopK = topK, Seed = 11 };

        var counts = Draw(parameters, FourTokens, draws: 20_000);

        Assert.Equal(0, counts[2] + counts[3]);
        var p = Logits.Softmax(FourTokens);
        AssertFrequencies([counts[0], counts[1]], [p[0] / (p[0] + p[1]), p[1] / (p[0] + p[1])]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Sample_TopP_DrawsFromTheNucleusRenormalised(int topK)
    {
        // Probabilities about 0.53, 0.32, 0.12 and 0.03 (0.55, 0.33, 0.12 within the top 3): the first two reach 0.75.
        var parameters = new SamplingParameters { Temperature = 1f, TopP = 0.75f, TopK = topK, Seed = 12 };

        var counts = Draw(parameters, FourTokens, draws: 20_000);

        Assert.Equal(0, counts[2] + counts[3]);
        var p = Logits.Softmax(FourTokens);
        AssertFrequencies([counts[0], counts[1]], [p[0] / (p[0] + p[1]), p[1] / (p[0] + p[1])]);
    }

    [Fact]
    public void Sample_TopK_DrawsFromTheKMostLikelyRenormalised()
    {
        var logits = Logits.Gaussian(61, 1.0, seed: 13);
        var parameters = new SamplingParameters { Temperature = 1.3f, TopK = 5, Seed = 14 };

        var counts = Draw(parameters, logits, draws: 30_000);

        var p = Logits.Softmax(logits, 1.3);
        var top = Logits.Ranked(p)[..5];
        Assert.Equal(30_000, top.Sum(i => counts[i]));
        var kept = top.Sum(i => p[i]);
        AssertFrequencies([.. top.Select(i => counts[i])], [.. top.Select(i => p[i] / kept)]);
    }

    [Theory]
    [InlineData(37, 1f)]
    [InlineData(37, 0.6f)]
    [InlineData(8191, 1f)]
    public void Sample_ManyDraws_FrequenciesMatchSoftmax(int vocabSize, float temperature)
    {
        // A few likely tokens spread over the vocabulary (and over the draw's chunks); the rest negligible.
        var logits = Enumerable.Repeat(-40f, vocabSize).ToArray();
        int[] likely = [0, 5, vocabSize / 2, vocabSize - 9, vocabSize - 1];
        float[] values = [1.0f, 0.2f, -0.5f, 0.7f, 1.2f];
        for (var i = 0; i < likely.Length; i++)
        {
            logits[likely[i]] = values[i];
        }

        var counts = Draw(new SamplingParameters { Temperature = temperature, Seed = 15 }, logits, draws: 30_000);

        Assert.Equal(30_000, likely.Sum(i => counts[i]));
        var p = Logits.Softmax(logits, temperature);
        AssertFrequencies([.. likely.Select(i => counts[i])], [.. likely.Select(i => p[i])]);
    }

    [Fact]
    public void Sample_SameSeed_SameTokens()
    {
        var logits = Logits.Gaussian(503, 1.0, seed: 16);
        var parameters = new SamplingParameters { Temperature = 1f, TopP = 0.95f, Seed = 42 };

        var first = DrawSequence(new TokenSampler(parameters, [], logits.Length), logits, 50);
        var second = DrawSequence(new TokenSampler(parameters, [], logits.Length), logits, 50);
        var otherSeed = DrawSequence(new TokenSampler(parameters with { Seed = 43 }, [], logits.Length), logits, 50);

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Sample_SeededSequencesInterleavedOnThreads_MatchTheirSoloRuns()
    {
        var logits = Logits.Gaussian(4099, 1.5, seed: 17);
        ulong[] seeds = [1, 2, 3, 4];
        var solo = seeds.Select(s => DrawSequence(new TokenSampler(new SamplingParameters { Temperature = 0.9f, TopK = 40, Seed = s }, [], logits.Length), logits, 40)).ToArray();

        var together = new int[seeds.Length][];
        Parallel.For(0, seeds.Length, i =>
            together[i] = DrawSequence(new TokenSampler(new SamplingParameters { Temperature = 0.9f, TopK = 40, Seed = seeds[i] }, [], logits.Length), logits, 40));

        Assert.Equal(solo, together);
    }

    [Fact]
    public void Sample_NullSeed_DrawsARandomSeed()
    {
        var a = new TokenSampler(new SamplingParameters { Temperature = 1f }, [], 10);
        var b = new TokenSampler(new SamplingParameters { Temperature = 1f }, [], 10);

        Assert.NotEqual(a.Seed, b.Seed);
        Assert.Equal(7UL, new TokenSampler(new SamplingParameters { Seed = 7 }, [], 10).Seed);
    }

    [Theory]
    [InlineData(0f, 0, 1f, 0f)]
    [InlineData(0.7f, 0, 1f, 0f)]
    [InlineData(0.7f, 0, 0.9f, 0.05f)]
    [InlineData(1.3f, 50, 0.8f, 0f)]
    public void Sample_TopLogprobs_EqualLogSoftmaxBeforeFilters(float temperature, int topK, float topP, float minP)
    {
        var logits = Logits.Gaussian(1003, 2.0, seed: 18);
        var parameters = new SamplingParameters { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, TopLogprobs = 5, Seed = 19 };

        var token = Sample(parameters, logits);

        var expected = Logits.LogSoftmax(logits, temperature == 0f ? 1.0 : temperature);
        AssertLogprobs(expected, token);
    }

    [Fact]
    public void Sample_O200kVocabulary_LogprobsAndGreedyMatchReference()
    {
        var logits = Logits.Gaussian(Logits.O200kVocabSize, 3.0, seed: 20);
        var expected = Logits.LogSoftmax(logits);

        var greedy = Sample(SamplingParameters.Greedy with { TopLogprobs = 20 }, logits);
        var sampled = Sample(new SamplingParameters { Temperature = 1f, TopLogprobs = 20, Seed = 21 }, logits);

        Assert.Equal(Logits.ArgMax(logits), greedy.TokenId);
        AssertLogprobs(expected, greedy);
        AssertLogprobs(expected, sampled);
    }

    [Fact]
    public void Sample_O200kVocabularyTopP_ChoosesOnlyFromTheNucleus()
    {
        var logits = Logits.Gaussian(Logits.O200kVocabSize, 2.0, seed: 22);
        var p = Logits.Softmax(logits);
        var ranked = Logits.Ranked(p);
        var nucleus = new HashSet<int>();
        var mass = 0.0;
        foreach (var id in ranked)
        {
            nucleus.Add(id);
            mass += p[id];
            if (mass >= 0.5 + 1e-4)
            {
                break;
            }
        }

        var sampler = new TokenSampler(new SamplingParameters { Temperature = 1f, TopP = 0.5f, Seed = 23 }, [], logits.Length);
        var workspace = new float[logits.Length];
        var chosen = Enumerable.Range(0, 300).Select(_ => sampler.Sample(logits, [], workspace).TokenId).ToArray();

        Assert.All(chosen, id => Assert.Contains(id, nucleus));
        Assert.True(chosen.Distinct().Count() > 100, "a nucleus of thousands of tokens gives many distinct draws");
    }

    [Fact]
    public void Sample_NoTopLogprobs_ReturnsNaNAndNoAlternatives()
    {
        var token = Sample(new SamplingParameters { Temperature = 1f, Seed = 1 }, FourTokens);

        Assert.True(float.IsNaN(token.Logprob));
        Assert.Empty(token.TopLogprobs);
        Assert.Empty(default(SampledToken).TopLogprobs);
    }

    [Fact]
    public void Sample_TopLogprobsAboveVocabulary_ReturnsEveryToken()
    {
        var token = Sample(SamplingParameters.Greedy with { TopLogprobs = 20 }, FourTokens);

        Assert.Equal([0, 1, 2, 3], token.TopLogprobs.Select(t => t.TokenId));
    }

    [Fact]
    public void Sample_Always_LeavesTheLogitsUnchanged()
    {
        var logits = Logits.Gaussian(1003, 2.0, seed: 24);
        var copy = logits.ToArray();
        var parameters = new SamplingParameters
        {
            Temperature = 0.8f,
            TopP = 0.9f,
            RepetitionPenalty = 1.2f,
            LogitBias = new Dictionary<int, float> { [3] = 2f },
            TopLogprobs = 3,
        };

        Sample(parameters, logits, prompt: [1, 2, 3], banned: [4]);

        Assert.Equal(copy, logits);
    }

    [Fact]
    public void Sample_NoLogprobsAfterWarmUp_DoesNotAllocate()
    {
        var logits = Logits.Gaussian(5003, 2.0, seed: 25);
        var workspace = new float[logits.Length];
        int[] banned = [0]; // allocated here: a debug build makes a new array for each [0] at the call
        var greedy = new TokenSampler(SamplingParameters.Greedy, [], logits.Length);
        var nucleus = new TokenSampler(new SamplingParameters { Temperature = 0.8f, TopP = 0.9f, MinP = 0.01f, Seed = 1 }, [], logits.Length);
        var topK = new TokenSampler(new SamplingParameters { Temperature = 0.8f, TopK = 40, Seed = 1 }, [], logits.Length);
        TokenSampler[] samplers = [greedy, nucleus, topK];
        foreach (var sampler in samplers)
        {
            sampler.Sample(logits, banned, workspace);
        }

        // The least of three rounds: a full GC elsewhere may trim the array pool between rounds.
        var allocated = Enumerable.Range(0, 3).Min(_ =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var sampler in samplers)
            {
                sampler.Sample(logits, banned, workspace);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Sample_WrongSizes_Throw()
    {
        var sampler = new TokenSampler(SamplingParameters.Greedy, [], 4);

        var logits = Assert.Throws<ArgumentException>(() => sampler.Sample(new float[5], [], new float[5]));
        var workspace = Assert.Throws<ArgumentException>(() => sampler.Sample(new float[4], [], new float[3]));
        var banned = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(new float[4], [4], new float[4]));

        Assert.Equal("Expected 4 logits, got 5. (Parameter 'logits')", logits.Message);
        Assert.Equal("workspace", workspace.ParamName);
        Assert.Equal("bannedTokens", banned.ParamName);
    }

    [Fact]
    public void Accept_IdOutsideVocabulary_Throws()
    {
        var sampler = new TokenSampler(SamplingParameters.Greedy, [], 4);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Accept(-1));

        Assert.StartsWith("Token id -1 is outside the vocabulary [0, 4).", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OutOfRangeParameters_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingParameters { TopP = 0f }, [], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingParameters { Temperature = -1f }, [], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingParameters { RepetitionPenalty = 0f }, [], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(SamplingParameters.Greedy, [4], 4));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new TokenSampler(new SamplingParameters { LogitBias = new Dictionary<int, float> { [9] = 1f } }, [], 4));
    }

    private static SampledToken Sample(SamplingParameters parameters, float[] logits, int[]? prompt = null, int[]? banned = null) =>
        new TokenSampler(parameters, prompt ?? [], logits.Length).Sample(logits, banned ?? [], new float[logits.Length]);

    private static int[] Draw(SamplingParameters parameters, float[] logits, int draws)
    {
        var sampler = new TokenSampler(parameters, [], logits.Length);
        var workspace = new float[logits.Length];
        var counts = new int[logits.Length];
        for (var i = 0; i < draws; i++)
        {
            counts[sampler.Sample(logits, [], workspace).TokenId]++;
        }

        return counts;
    }

    private static int[] DrawSequence(TokenSampler sampler, float[] logits, int length)
    {
        var workspace = new float[logits.Length];
        var tokens = new int[length];
        for (var i = 0; i < length; i++)
        {
            tokens[i] = sampler.Sample(logits, [], workspace).TokenId;
        }

        return tokens;
    }

    private static void AssertFrequencies(int[] observed, double[] expected)
    {
        var chi = Logits.ChiSquare(observed, expected);
        var limit = Logits.ChiSquareLimit(observed.Length - 1);
        Assert.True(chi < limit, $"chi-square {chi:F2} >= {limit:F2}: observed [{string.Join(", ", observed)}], expected p [{string.Join(", ", expected.Select(p => p.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]");
    }

    /// <summary>The chosen token's log probability and the top alternatives against the reference.</summary>
    private static void AssertLogprobs(double[] expected, SampledToken token)
    {
        AssertClose(expected[token.TokenId], token.Logprob);
        var ranked = Logits.Ranked(expected);
        var count = token.TopLogprobs.Count;
        Assert.True(count > 0);
        Assert.Equal(ranked[..count], token.TopLogprobs.Select(t => t.TokenId));
        foreach (var alternative in token.TopLogprobs)
        {
            AssertClose(expected[alternative.TokenId], alternative.Logprob);
        }

        Assert.Equal(token.TopLogprobs.OrderByDescending(t => t.Logprob), token.TopLogprobs);
    }

    private static void AssertClose(double expected, float actual)
    {
        if (double.IsNegativeInfinity(expected))
        {
            Assert.Equal(float.NegativeInfinity, actual);
        }
        else
        {
            Assert.Equal(expected, actual, 1e-4);
        }
    }
}
