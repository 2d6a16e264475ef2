namespace KazGrpc.Models;

/// <summary>
/// Size of each generation model's KV cache (section <c>KvCache</c>): rows of
/// <see cref="MaxSequenceLength"/> positions, allocated once when the model loads, so admission
/// can never run out of memory.
/// </summary>
public sealed class KvCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "KvCache";

    /// <summary>Rows: the most sequences that hold context at once (and the largest decode batch). Default 32.</summary>
    public int MaxSlots { get; set; } = 32;

    /// <summary>Positions per row (prompt plus generated tokens). Default 0: the model's context
    /// length, capped at 8,192 so that a long-context model does not reserve its whole window per row
    /// unless configured to.</summary>
    public int MaxSequenceLength { get; set; }

    /// <summary>Most bytes the cache may take; when set, rows are fewer than <see cref="MaxSlots"/>
    /// where they would not fit (at least one must). Default 0: no budget.</summary>
    public long MaxBytes { get; set; }

    /// <summary>Throws when a value is out of range; called at start-up.</summary>
    public void Validate()
    {
        if (MaxSlots < 1)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxSlots)} must be at least 1; got {MaxSlots}");
        }

        if (MaxSequenceLength < 0 || MaxBytes < 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(MaxSequenceLength)} and {nameof(MaxBytes)} must be >= 0; got {MaxSequenceLength}, {MaxBytes}");
        }
    }
}
