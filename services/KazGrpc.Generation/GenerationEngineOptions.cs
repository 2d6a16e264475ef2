namespace KazGrpc.Generation;

/// <summary>
/// Configuration of a <see cref="GenerationEngine"/> (section <c>Generation</c>). The KV cache's
/// size is the model runtime's (its slots and positions per slot); these settings say how the
/// scheduler fills it.
/// </summary>
public sealed class GenerationEngineOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Generation";

    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>Most requests waiting for a KV slot; one more is rejected at once with
    /// <see cref="Core.OverloadedException"/>. Default 1024.</summary>
    public int MaxQueueSize { get; set; } = 1024;

    /// <summary>Prompt tokens prefilled per scheduler step, after the step's decode: a long prompt is
    /// prefilled in chunks of at most this many tokens, so running sequences keep their pace while it
    /// arrives. Default 128.</summary>
    public int PrefillTokensPerStep { get; set; } = 128;

    /// <summary>How long a request may wait for a KV slot before it fails with
    /// <see cref="Core.DeadlineExceededException"/>; a request's own earlier deadline shortens it.
    /// At most one day. Default 60 s.</summary>
    public TimeSpan DefaultQueueTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Number of priority levels; level 1 is the highest. Default 2.</summary>
    public int PriorityLevels { get; set; } = 2;

    /// <summary>Level given to requests that pass priority 0. Default 2.</summary>
    public int DefaultPriorityLevel { get; set; } = 2;

    /// <summary>Sequences sampled on one thread before sampling spreads over the thread pool. Default 4.</summary>
    public int ParallelSamplingThreshold { get; set; } = 4;

    /// <summary>Throws when a value is out of range; called at start-up and by the engine's constructor.</summary>
    public void Validate()
    {
        static void AtLeast(int value, int minimum, string name)
        {
            if (value < minimum)
            {
                throw new InvalidOperationException($"{SectionName}:{name} must be at least {minimum}; got {value}");
            }
        }

        AtLeast(MaxQueueSize, 1, nameof(MaxQueueSize));
        AtLeast(PrefillTokensPerStep, 1, nameof(PrefillTokensPerStep));
        AtLeast(PriorityLevels, 1, nameof(PriorityLevels));
        AtLeast(ParallelSamplingThreshold, 1, nameof(ParallelSamplingThreshold));
        if (DefaultPriorityLevel < 1 || DefaultPriorityLevel > PriorityLevels)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DefaultPriorityLevel)} must be in [1, {PriorityLevels}]; got {DefaultPriorityLevel}");
        }

        if (DefaultQueueTimeout <= TimeSpan.Zero || DefaultQueueTimeout > MaxDuration)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DefaultQueueTimeout)} must be in (0, 1 day]; got {DefaultQueueTimeout}");
        }
    }

    internal GenerationEngineOptions Snapshot() => (GenerationEngineOptions)MemberwiseClone();
}
