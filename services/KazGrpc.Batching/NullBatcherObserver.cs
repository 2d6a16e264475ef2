namespace KazGrpc.Batching;

/// <summary>The observer of a batcher given none.</summary>
internal sealed class NullBatcherObserver : IBatcherObserver
{
    public static readonly NullBatcherObserver Instance = new();

    public void QueueLengthChanged(string model, int length)
    {
    }

    public void BatchStarted(string model, ReadOnlySpan<TimeSpan> queueWaits)
    {
    }

    public void BatchCompleted(string model, int size, TimeSpan executionTime, Exception? failure)
    {
    }

    public void RequestCompleted(string model, BatchOutcome outcome)
    {
    }
}
