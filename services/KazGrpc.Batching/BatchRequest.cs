using System.Diagnostics;
using KazGrpc.Core;

namespace KazGrpc.Batching;

/// <summary>
/// One caller's request: its items, its place in the queue, and the one completion that the caller
/// awaits. The loop owns the queue fields; completion is shared between the loop, executing batches
/// and the caller's cancellation, and the first of them to complete the request wins. Its outcome
/// is reported before the caller can see it, so metrics never lag behind a response.
/// </summary>
internal sealed class BatchRequest<TItem, TResult>
{
    private readonly TaskCompletionSource<IReadOnlyList<TResult>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TResult[] _results;
    private readonly Action<BatchOutcome> _report;
    private int _remaining;
    private int _completed;
    private Activity? _queueSpan;

    public BatchRequest(IReadOnlyList<BatchItem<TItem>> items, int priority, DateTimeOffset enqueuedAt, DateTimeOffset deadline, bool deadlineIsCallers, Action<BatchOutcome> report)
    {
        _report = report;
        Priority = priority;
        EnqueuedAt = enqueuedAt;
        Deadline = deadline;
        DeadlineIsCallers = deadlineIsCallers;
        _results = new TResult[items.Count];
        _remaining = items.Count;
        Items = new QueuedItem<TItem, TResult>[items.Count];
        for (var i = 0; i < Items.Length; i++)
        {
            Items[i] = new QueuedItem<TItem, TResult>(this, i, items[i].Value, items[i].Cost);
        }
    }

    public QueuedItem<TItem, TResult>[] Items { get; }

    /// <summary>Level 1 is the highest.</summary>
    public int Priority { get; }

    public DateTimeOffset EnqueuedAt { get; }

    public DateTimeOffset Deadline { get; }

    /// <summary>True when the caller's deadline, not the default queue timeout, set <see cref="Deadline"/>.</summary>
    public bool DeadlineIsCallers { get; }

    /// <summary>Arrival order, given by the loop; orders requests of one level by age.</summary>
    public long Sequence { get; set; }

    /// <summary>Items still waiting in the queue; loop-owned.</summary>
    public int QueuedCount { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The caller's span when it enqueued the request (default when none): the parent of its spans here.</summary>
    public ActivityContext Parent { get; private set; }

    /// <summary>The context of the request's queue span, for the batches that hold its items to link to; null without one.</summary>
    public ActivityContext? QueueSpanContext { get; private set; }

    /// <summary>Starts the request's queue span under the caller's current activity (tracing is on).</summary>
    public void StartQueueSpan(ActivitySource source, string model)
    {
        Parent = Activity.Current?.Context ?? default;
        var span = source.StartDetached("kazgrpc.batch.queue", ActivityKind.Internal, Parent);
        if (span is null)
        {
            return;
        }

        span.SetTag("kazgrpc.model", model);
        span.SetTag("kazgrpc.batch.inputs", Items.Length);
        span.SetTag("kazgrpc.priority", Priority);
        QueueSpanContext = span.Context;
        _queueSpan = span;
    }

    /// <summary>The queue span while it is open, once: whoever takes it ends it.</summary>
    public Activity? TakeQueueSpan() => _queueSpan is null ? null : Interlocked.Exchange(ref _queueSpan, null);

    public Task<IReadOnlyList<TResult>> Task => _completion.Task;

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Stores one result; true when it was the last one and completed the request.</summary>
    public bool TrySetResult(int index, TResult result)
    {
        if (IsCompleted)
        {
            return false;
        }

        _results[index] = result;
        return Interlocked.Decrement(ref _remaining) == 0 && TryClaim(BatchOutcome.Success, unregister: true) && _completion.TrySetResult(_results);
    }

    /// <summary>Fails the request; true when this call completed it.</summary>
    public bool TryFail(Exception error, BatchOutcome outcome) => TryClaim(outcome, unregister: true) && _completion.TrySetException(error);

    /// <summary>Completes the request as cancelled, from the token's own callback (which needs no
    /// unregistering); true when this call completed it.</summary>
    public bool TryCancel(CancellationToken cancellationToken) => TryClaim(BatchOutcome.Cancelled, unregister: false) && _completion.TrySetCanceled(cancellationToken);

    private bool TryClaim(BatchOutcome outcome, bool unregister)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        if (unregister)
        {
            // Unregister, not Dispose: it never waits for a callback running on another thread.
            Registration.Unregister();
        }

        if (TakeQueueSpan() is { } queue)
        {
            // It ends before any of its items ran (or the batch that took them had not ended their wait yet).
            queue.SetTag("kazgrpc.outcome", outcome.ToString());
            if (outcome != BatchOutcome.Success)
            {
                queue.SetError(outcome.ToString());
            }

            queue.StopDetached();
        }

        _report(outcome);
        return true;
    }
}
