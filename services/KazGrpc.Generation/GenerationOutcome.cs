namespace KazGrpc.Generation;

/// <summary>How a request left the engine.</summary>
public enum GenerationOutcome
{
    /// <summary>It finished generating (length, stop, EOS or abort).</summary>
    Finished = 1,

    /// <summary>Its caller cancelled or went away.</summary>
    Cancelled = 2,

    /// <summary>It waited in the queue past its deadline or the queue timeout.</summary>
    Deadline = 3,

    /// <summary>A model step failed.</summary>
    Failed = 4,

    /// <summary>The engine stopped before it finished.</summary>
    Stopped = 5,
}
