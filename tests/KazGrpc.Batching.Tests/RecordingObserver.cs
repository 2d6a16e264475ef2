namespace KazGrpc.Batching.Tests;

/// <summary>
/// Records what the batcher reports (and passes it on to an inner observer) and lets a test wait
/// for a state, e.g. until the loop has settled with three items queued and its timer armed.
/// </summary>
internal sealed class RecordingObserver(IBatcherObserver? inner = null) : IBatcherObserver
{
    private readonly Lock _gate = new();
    private readonly List<(Func<RecordingObserver, bool> Condition, TaskCompletionSource Reached)> _waiters = [];
    private readonly List<BatchOutcome> _outcomes = [];
    private readonly List<TimeSpan> _queueWaits = [];
    private readonly List<int> _batchSizes = [];
    private readonly List<Exception?> _batchFailures = [];
    private int _queueLength;

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queueLength;
            }
        }
    }

    public IReadOnlyList<BatchOutcome> Outcomes => Snapshot(_outcomes);

    public IReadOnlyList<TimeSpan> QueueWaits => Snapshot(_queueWaits);

    public IReadOnlyList<int> BatchSizes => Snapshot(_batchSizes);

    public IReadOnlyList<Exception?> BatchFailures => Snapshot(_batchFailures);

    public void QueueLengthChanged(string model, int length)
    {
        inner?.QueueLengthChanged(model, length);
        Record(() => _queueLength = length);
    }

    public void BatchStarted(string model, ReadOnlySpan<TimeSpan> queueWaits)
    {
        inner?.BatchStarted(model, queueWaits);
        var waits = queueWaits.ToArray();
        Record(() =>
        {
            _queueWaits.AddRange(waits);
            _batchSizes.Add(waits.Length);
        });
    }

    public void BatchCompleted(string model, int size, TimeSpan executionTime, Exception? failure)
    {
        inner?.BatchCompleted(model, size, executionTime, failure);
        Record(() => _batchFailures.Add(failure));
    }

    public void RequestCompleted(string model, BatchOutcome outcome)
    {
        inner?.RequestCompleted(model, outcome);
        Record(() => _outcomes.Add(outcome));
    }

    /// <summary>Completes when <paramref name="condition"/> holds after some report (or now).</summary>
    public Task WaitUntilAsync(Func<RecordingObserver, bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, reached));
        }

        return reached.Task.WithTimeout();
    }

    /// <summary>Completes once the batching loop has settled with <paramref name="length"/> items waiting.</summary>
    public Task WaitForQueueLengthAsync(int length) => WaitUntilAsync(o => o._queueLength == length);

    private void Record(Action change)
    {
        lock (_gate)
        {
            change();
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(this))
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
