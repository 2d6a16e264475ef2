namespace KazGrpc.Batching;

/// <summary>One item of a request while it waits; loop-owned.</summary>
internal sealed class QueuedItem<TItem, TResult>(BatchRequest<TItem, TResult> request, int index, TItem value, int cost)
{
    public BatchRequest<TItem, TResult> Request { get; } = request;

    /// <summary>Position of the item in its request, and of its result in the request's results.</summary>
    public int Index { get; } = index;

    public TItem Value { get; } = value;

    public int Cost { get; } = cost;

    /// <summary>The item's length bucket, set when it joins the queue.</summary>
    public int Bucket { get; set; }

    /// <summary>The item's place in its (level, bucket) list while queued; null otherwise.</summary>
    public LinkedListNode<QueuedItem<TItem, TResult>>? Node { get; set; }
}
