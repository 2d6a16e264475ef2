namespace KazGrpc.Batching;

/// <summary>
/// Receives what a batcher does, without transport types; <see cref="BatcherMetrics"/> turns it into
/// metrics. Callbacks arrive from the batching loop, from executing batches and from callers' threads
/// at once, so implementations are thread-safe, fast, and do not throw.
/// </summary>
public interface IBatcherObserver
{
    /// <summary>The number of items waiting in <paramref name="model"/>'s queue changed; reported by
    /// the batching loop once it has settled (timers armed, batches dispatched).</summary>
    void QueueLengthChanged(string model, int length);

    /// <summary>A batch left the queue for the executor; <paramref name="queueWaits"/> holds how long
    /// each of its items waited, in batch order, so its length is the batch size.</summary>
    void BatchStarted(string model, ReadOnlySpan<TimeSpan> queueWaits);

    /// <summary>A batch of <paramref name="size"/> items finished after <paramref name="executionTime"/>;
    /// <paramref name="failure"/> is null when it succeeded.</summary>
    void BatchCompleted(string model, int size, TimeSpan executionTime, Exception? failure);

    /// <summary>A request completed, once per request whatever its number of items.</summary>
    void RequestCompleted(string model, BatchOutcome outcome);
}
