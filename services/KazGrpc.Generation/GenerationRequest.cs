namespace KazGrpc.Generation;

/// <summary>What to generate: a tokenized prompt and its rules. Validated by the caller.</summary>
public sealed record GenerationRequest
{
    /// <summary>Identifies the request in logs and to <see cref="GenerationSequence.Stop"/> callers; required.</summary>
    public required string RequestId { get; init; }

    /// <summary>The prompt's token ids; at least one.</summary>
    public required IReadOnlyList<int> PromptIds { get; init; }

    /// <summary>How tokens are chosen. Default greedy.</summary>
    public SamplingParameters Sampling { get; init; } = SamplingParameters.Greedy;

    /// <summary>When generation stops.</summary>
    public StoppingCriteria Stopping { get; init; } = new();

    /// <summary>Scheduling level, 1 the highest; 0 (the default) means the engine's default level.</summary>
    public int Priority { get; init; }

    /// <summary>When the caller stops waiting; a request still queued then fails with
    /// <see cref="Core.DeadlineExceededException"/>. Null: the engine's queue timeout only.</summary>
    public DateTimeOffset? Deadline { get; init; }
}
