namespace KazGrpc.Batching;

/// <summary>
/// Configuration of one <see cref="DynamicBatcher{TItem, TResult}"/> (section <c>DynamicBatching</c>).
/// Names follow Triton's dynamic batcher where they fit. Costs are in the executor's unit, tokens
/// for embedding models.
/// </summary>
public sealed class DynamicBatcherOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "DynamicBatching";

    /// <summary>Longest delay or timeout accepted: a day keeps every deadline far from overflow.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>Most items in one batch. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long a batch that is not full waits for more items, measured from the arrival of
    /// its oldest item; a full batch goes at once. Zero sends whatever is queued as soon as an
    /// execution slot is free: under load the slots are busy and items batch up while they wait for
    /// one, and a lone request does not wait at all. At most one day. Default 0: a delay adds to a
    /// lone caller's latency and, on the CPU, buys no throughput (see docs/performance.md).</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Most items waiting in the queue (items that are executing do not count). A request
    /// that does not fit is rejected at once with <see cref="Core.OverloadedException"/>. Default 1024.</summary>
    public int MaxQueueSize { get; set; } = 1024;

    /// <summary>How long an item may wait in the queue before it fails with
    /// <see cref="Core.DeadlineExceededException"/>; a request's own earlier deadline shortens it.
    /// At most one day. Default 30 s.</summary>
    public TimeSpan DefaultQueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Number of priority levels; level 1 is the highest. Default 2.</summary>
    public int PriorityLevels { get; set; } = 2;

    /// <summary>Level given to requests that pass priority 0. Default 2.</summary>
    public int DefaultPriorityLevel { get; set; } = 2;

    /// <summary>Token budget of one batch: its padded cost, the largest item cost times the number
    /// of items, stays within it. An item whose own cost exceeds it runs alone. Default 8192.</summary>
    public int MaxBatchTokens { get; set; } = 8192;

    /// <summary>Costs up to this value share the smallest length bucket; above it each bucket's bound
    /// grows by <see cref="LengthBucketGrowth"/> (see <see cref="DynamicBatcher{TItem, TResult}"/> for
    /// the grouping rule). Default 16.</summary>
    public int MinLengthBucket { get; set; } = 16;

    /// <summary>Each length bucket's upper bound is the previous one times this factor (rounded up):
    /// no item in a bucket above the smallest is padded to more than this times its cost. 2 doubles.
    /// In [1.05, 4]. Default 1.1: an encoder on a CPU gains little from larger batches, so inputs of
    /// close lengths are worth more than full batches (see docs/performance.md).</summary>
    public double LengthBucketGrowth { get; set; } = 1.1;

    /// <summary>How many batches may execute at once; the batching loop forms the next batch while
    /// these run. Default 2.</summary>
    public int ConcurrentExecutions { get; set; } = 2;

    /// <summary>Throws when a value is out of range; called at start-up and by the batcher's constructor.</summary>
    public void Validate()
    {
        static void AtLeast(int value, int minimum, string name)
        {
            if (value < minimum)
            {
                throw new InvalidOperationException($"{SectionName}:{name} must be at least {minimum}; got {value}");
            }
        }

        AtLeast(MaxBatchSize, 1, nameof(MaxBatchSize));
        AtLeast(MaxQueueSize, 1, nameof(MaxQueueSize));
        AtLeast(PriorityLevels, 1, nameof(PriorityLevels));
        AtLeast(MaxBatchTokens, 1, nameof(MaxBatchTokens));
        AtLeast(MinLengthBucket, 1, nameof(MinLengthBucket));
        AtLeast(ConcurrentExecutions, 1, nameof(ConcurrentExecutions));
        if (!(LengthBucketGrowth >= 1.05 && LengthBucketGrowth <= 4))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(LengthBucketGrowth)} must be in [1.05, 4]; got {LengthBucketGrowth}");
        }

        if (DefaultPriorityLevel < 1 || DefaultPriorityLevel > PriorityLevels)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DefaultPriorityLevel)} must be in [1, {PriorityLevels}]; got {DefaultPriorityLevel}");
        }

        if (MaxQueueDelay < TimeSpan.Zero || MaxQueueDelay > MaxDuration)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxQueueDelay)} must be in [0, 1 day]; got {MaxQueueDelay}");
        }

        if (DefaultQueueTimeout <= TimeSpan.Zero || DefaultQueueTimeout > MaxDuration)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DefaultQueueTimeout)} must be in (0, 1 day]; got {DefaultQueueTimeout}");
        }
    }

    internal DynamicBatcherOptions Snapshot() => (DynamicBatcherOptions)MemberwiseClone();
}
