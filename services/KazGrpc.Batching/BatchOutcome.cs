namespace KazGrpc.Batching;

/// <summary>How a request left a batcher; the values of the <c>outcome</c> metric tag.</summary>
public enum BatchOutcome
{
    /// <summary>Every item ran and the results were delivered (<c>success</c>).</summary>
    Success,

    /// <summary>Refused by the batcher: the queue was full, or the batcher stopped before the request ran (<c>rejected</c>).</summary>
    Rejected,

    /// <summary>The caller went away; results still to come are dropped (<c>cancelled</c>).</summary>
    Cancelled,

    /// <summary>An item was still queued at the request's deadline (<c>deadline</c>).</summary>
    Deadline,

    /// <summary>A batch holding one of its items failed (<c>failed</c>).</summary>
    Failed,
}
