using System.Diagnostics;
using System.Threading.Channels;
using KazGrpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Batching;

/// <summary>
/// A Triton-style dynamic batcher: callers enqueue items (e.g. the texts of an Embed request), a
/// single batching loop forms them into batches and an executor runs each batch as one model call.
/// </summary>
/// <remarks>
/// <para>One loop task owns the queue. Callers and executing batches talk to it through a channel,
/// and no lock is held while a batch executes; up to
/// <see cref="DynamicBatcherOptions.ConcurrentExecutions"/> batches run at once while the loop forms
/// the next. Time comes only from the injected <see cref="TimeProvider"/>.</para>
/// <para>Forming a batch. The head is the oldest waiting item of the highest priority level that has
/// any (level 1 is the highest). Only items of the head's length bucket may join it: bucket 0 holds
/// costs up to <see cref="DynamicBatcherOptions.MinLengthBucket"/> and each later bucket the costs up
/// to the previous bound times <see cref="DynamicBatcherOptions.LengthBucketGrowth"/> (g), so a long
/// input never pads short ones and no item is padded to more than g times its cost (bucket 0 aside). The batch is filled from that bucket by priority, then age, up to
/// <see cref="DynamicBatcherOptions.MaxBatchSize"/> items, skipping any item that would take the
/// padded cost (largest cost × number of items) over <see cref="DynamicBatcherOptions.MaxBatchTokens"/>.
/// A head whose own cost exceeds the budget runs alone.</para>
/// <para>When it goes. A batch goes at once when it is full: it has MaxBatchSize items, or an item
/// as large as its largest would not fit the budget, or an item of its bucket had to be left out, or
/// its head runs alone. Otherwise it goes once its oldest item has waited
/// <see cref="DynamicBatcherOptions.MaxQueueDelay"/>. Items of other buckets wait for their turn as
/// head; while a batch fills, no other batch is formed.</para>
/// <para>Requests. A request of several items completes when all its items have run, with the
/// results in item order. It fails as a whole when one item fails: a failed batch fails each of its
/// requests with <see cref="ExecutionFailedException"/>; an item still queued at the request's
/// deadline fails it with <see cref="DeadlineExceededException"/>. The other items of a failed or
/// cancelled request are dropped from the queue and never run; results of its items that were
/// already running are discarded.</para>
/// <para>Traces (when a source is given and something listens to it). Each request gets a
/// <c>kazgrpc.batch.queue</c> span under the caller's current activity, from enqueue until its
/// first item leaves the queue or it ends without running. Each batch gets one
/// <c>kazgrpc.batch</c> span, a child of the span under which its oldest request was enqueued,
/// with a link to the queue span of every request it holds (and each of those a link back), and is
/// the current activity while the executor runs, so that the executor's own spans nest in it.</para>
/// <para>The constructor starts the loop; <see cref="DisposeAsync"/> or <see cref="StopAsync"/>
/// stops it. The caller owns the executor and the observer; the batcher disposes neither.</para>
/// </remarks>
/// <typeparam name="TItem">What the executor receives, e.g. the token ids of one text.</typeparam>
/// <typeparam name="TResult">What the executor returns for one item, e.g. one embedding.</typeparam>
public sealed class DynamicBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<IReadOnlyList<TResult>>> _executor;
    private readonly DynamicBatcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IBatcherObserver _observer;
    private readonly ActivitySource? _tracing;
    private readonly Action<BatchOutcome> _reportOutcome;
    private readonly Channel<LoopMessage> _inbox = Channel.CreateUnbounded<LoopMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BatchQueue<TItem, TResult> _queue;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;

    // Shared with callers and executing batches.
    private int _stopRequested;
    private long _meanExecutionTicks = -1;

    // Owned by the loop.
    private readonly List<QueuedItem<TItem, TResult>> _forming = [];
    private int _running;
    private bool _stopping;
    private int _reportedLength;
    private DateTimeOffset? _nextReadyAt;
    private DateTimeOffset? _armedFor;

    /// <summary>Creates the batcher and starts its batching loop.</summary>
    /// <param name="model">Name of the model, used in error messages, logs and the <c>model</c> metric tag.</param>
    /// <param name="executor">Runs one batch: one result per item, in order. It is called from the
    /// thread pool, up to <see cref="DynamicBatcherOptions.ConcurrentExecutions"/> times at once; its
    /// token is cancelled only when a stop stops waiting (see <see cref="StopAsync"/>).</param>
    /// <param name="options">Validated and copied; later changes have no effect.</param>
    /// <param name="timeProvider">The source of all time: timestamps, deadlines and timers.</param>
    /// <param name="logger">Receives start, stop, overload and batch failure events.</param>
    /// <param name="observer">Receives queue, batch and request events; none when null.</param>
    /// <param name="tracing">The service's source of queue and batch spans; none when null. The caller disposes it.</param>
    public DynamicBatcher(
        string model,
        Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<IReadOnlyList<TResult>>> executor,
        DynamicBatcherOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        IBatcherObserver? observer = null,
        ActivitySource? tracing = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        Model = model;
        _executor = executor;
        _options = options.Snapshot();
        _time = timeProvider;
        _logger = logger;
        _observer = observer ?? NullBatcherObserver.Instance;
        _tracing = tracing;
        _reportOutcome = outcome => _observer.RequestCompleted(Model, outcome);
        _queue = new BatchQueue<TItem, TResult>(_options);

        // The queue-length gauge exists from the start, not from the first time a batch had to wait.
        _observer.QueueLengthChanged(Model, 0);
        BatchingLog.Started(logger, model, _options.MaxBatchSize, _options.MaxBatchTokens, _options.MaxQueueDelay.TotalMilliseconds, _options.MaxQueueSize, _options.ConcurrentExecutions);

        // The loop, its timer and the batches it starts serve every caller: they must not carry the
        // creator's execution context (its Activity, its AsyncLocals) for the batcher's whole life.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = timeProvider.CreateTimer(static state => ((DynamicBatcher<TItem, TResult>)state!).Post(LoopMessage.Tick), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _loop = Task.Run(RunLoopAsync);
        }
    }

    /// <summary>Name of the model this batcher serves.</summary>
    public string Model { get; }

    /// <summary>Items admitted and not yet taken into a batch, expired or dropped; what
    /// <see cref="DynamicBatcherOptions.MaxQueueSize"/> limits.</summary>
    public int QueueLength => _queue.Admitted;

    /// <summary>Enqueues one item and waits for its result.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cost">Its cost, e.g. its token count; at least 1.</param>
    /// <param name="priority">1 (highest) to <see cref="DynamicBatcherOptions.PriorityLevels"/>; 0 means
    /// <see cref="DynamicBatcherOptions.DefaultPriorityLevel"/>.</param>
    /// <param name="deadline">When the caller stops waiting, or null; it shortens
    /// <see cref="DynamicBatcherOptions.DefaultQueueTimeout"/> when earlier.</param>
    /// <param name="cancellationToken">The caller's token: a cancel before the item runs drops it from
    /// the queue; a cancel while it runs discards its result.</param>
    /// <returns>The executor's result for the item.</returns>
    /// <exception cref="OverloadedException">The queue is full.</exception>
    /// <exception cref="DeadlineExceededException">The item was still queued at its deadline.</exception>
    /// <exception cref="ExecutionFailedException">Its batch failed; the inner exception says why.</exception>
    /// <exception cref="NotReadyException">The batcher is stopping.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The cost or the priority is out of range.</exception>
    public async ValueTask<TResult> EnqueueAsync(TItem item, int cost, int priority, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var results = await EnqueueAsync([new BatchItem<TItem>(item, cost)], priority, deadline, cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Enqueues the items of one request and waits for all their results, in item order. The request
    /// is admitted whole or rejected whole, and fails whole when one of its items fails.
    /// </summary>
    /// <param name="items">The request's items with their costs (each at least 1); at most
    /// <see cref="DynamicBatcherOptions.MaxQueueSize"/> of them. None completes at once with none.</param>
    /// <param name="priority">1 (highest) to <see cref="DynamicBatcherOptions.PriorityLevels"/>; 0 means
    /// <see cref="DynamicBatcherOptions.DefaultPriorityLevel"/>.</param>
    /// <param name="deadline">When the caller stops waiting, or null; it shortens
    /// <see cref="DynamicBatcherOptions.DefaultQueueTimeout"/> when earlier.</param>
    /// <param name="cancellationToken">The caller's token: a cancel drops the request's queued items
    /// and discards the results of those that are running.</param>
    /// <returns>One result per item, in item order.</returns>
    /// <exception cref="OverloadedException">The queue has no room for all the items; the returned
    /// task is already faulted, with a <see cref="OverloadedException.RetryAfter"/> estimate.</exception>
    /// <exception cref="DeadlineExceededException">An item was still queued at the request's deadline.</exception>
    /// <exception cref="ExecutionFailedException">A batch holding one of the items failed; the inner
    /// exception says why.</exception>
    /// <exception cref="NotReadyException">The batcher is stopping.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown by the call itself: a cost or the priority is
    /// out of range, or there are more items than the queue can ever hold (hosts cap the inputs of a
    /// request below <see cref="DynamicBatcherOptions.MaxQueueSize"/>).</exception>
    public ValueTask<IReadOnlyList<TResult>> EnqueueAsync(IReadOnlyList<BatchItem<TItem>> items, int priority, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var level = priority == 0 ? _options.DefaultPriorityLevel : priority;
        if (level < 1 || level > _options.PriorityLevels)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, $"priority must be 0 (the default level) or in [1, {_options.PriorityLevels}]");
        }

        if (items.Count > _options.MaxQueueSize)
        {
            throw new ArgumentOutOfRangeException(nameof(items), items.Count, $"a request of {items.Count} items can never fit the queue of model '{Model}' ({_options.MaxQueueSize} items)");
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Cost < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(items), items[i].Cost, $"the cost of items[{i}] must be at least 1");
            }
        }

        if (items.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<TResult>>([]);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            _observer.RequestCompleted(Model, BatchOutcome.Cancelled);
            return ValueTask.FromCanceled<IReadOnlyList<TResult>>(cancellationToken);
        }

        if (Volatile.Read(ref _stopRequested) != 0)
        {
            _observer.RequestCompleted(Model, BatchOutcome.Rejected);
            return ValueTask.FromException<IReadOnlyList<TResult>>(StoppingError());
        }

        if (!_queue.TryAdmit(items.Count, out var waiting))
        {
            BatchingLog.QueueFull(_logger, Model, waiting, _options.MaxQueueSize, items.Count);
            _observer.RequestCompleted(Model, BatchOutcome.Rejected);
            return ValueTask.FromException<IReadOnlyList<TResult>>(new OverloadedException(
                $"the queue of model '{Model}' is full: {waiting} items waiting, limit {_options.MaxQueueSize}; this request needs room for {items.Count}",
                RetryAfter(waiting + items.Count - _options.MaxQueueSize)));
        }

        var now = _time.GetUtcNow();
        var queueDeadline = now + _options.DefaultQueueTimeout;
        var callersDeadline = deadline < queueDeadline;
        var request = new BatchRequest<TItem, TResult>(items, level, now, callersDeadline ? deadline!.Value : queueDeadline, callersDeadline, _reportOutcome);
        if (_tracing is not null && _tracing.HasListeners())
        {
            request.StartQueueSpan(_tracing, Model);
        }

        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.UnsafeRegister((_, token) => OnCallerCancelled(request, token), null);
        }

        if (!_inbox.Writer.TryWrite(LoopMessage.Enqueued(request)))
        {
            // The loop has finished: a stop raced with this call.
            _queue.Release(items.Count);
            Reject(request);
        }

        return new ValueTask<IReadOnlyList<TResult>>(request.Task);
    }

    /// <summary>
    /// Stops the batcher: new requests and queued items fail with <see cref="NotReadyException"/>
    /// saying that the batcher is stopping, and running batches are awaited. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">When cancelled, the token given to running executions is
    /// cancelled and this call stops waiting for them.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 0)
        {
            Post(LoopMessage.Stop);
        }

        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CancelQuietly(_abort);
            throw;
        }
    }

    /// <summary>Stops the batcher as <see cref="StopAsync"/> does and waits for running batches.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _abort.Dispose();
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The batcher was disposed meanwhile: nothing runs any more.
        }
    }

    /// <summary>
    /// Estimates when <paramref name="excess"/> items will have left the queue: the batches they fill,
    /// run <see cref="DynamicBatcherOptions.ConcurrentExecutions"/> at a time, each round taking the
    /// mean batch execution time (<see cref="DynamicBatcherOptions.MaxQueueDelay"/> before any batch
    /// has run); at least 1 ms.
    /// </summary>
    private TimeSpan RetryAfter(int excess)
    {
        var batches = (excess + _options.MaxBatchSize - 1) / _options.MaxBatchSize;
        var rounds = (batches + _options.ConcurrentExecutions - 1) / _options.ConcurrentExecutions;
        var mean = Volatile.Read(ref _meanExecutionTicks);
        var perRound = mean >= 0 ? mean : _options.MaxQueueDelay.Ticks;
        return TimeSpan.FromTicks(Math.Max(rounds * perRound, TimeSpan.TicksPerMillisecond));
    }

    private NotReadyException StoppingError() =>
        new($"the batcher of model '{Model}' is stopping; the request did not run");

    private void Reject(BatchRequest<TItem, TResult> request) => request.TryFail(StoppingError(), BatchOutcome.Rejected);

    private void OnCallerCancelled(BatchRequest<TItem, TResult> request, CancellationToken token)
    {
        if (request.TryCancel(token))
        {
            Post(LoopMessage.Purge(request));
        }
    }

    private void Post(LoopMessage message) => _inbox.Writer.TryWrite(message);

    private async Task RunLoopAsync()
    {
        var reader = _inbox.Reader;
        try
        {
            while (true)
            {
                while (reader.TryRead(out var message))
                {
                    Apply(message);
                }

                var now = _time.GetUtcNow();
                ExpireDue(now);
                if (!_stopping)
                {
                    Dispatch(now);
                }

                Arm(now);
                ReportQueueLength();
                if (_stopping && _running == 0)
                {
                    break;
                }

                await reader.WaitToReadAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The loop must outlive any bug in itself long enough to fail its requests instead of leaving callers waiting.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            BatchingLog.LoopFailed(_logger, exception, Model);
            Volatile.Write(ref _stopRequested, 1);
            foreach (var request in _queue.RemoveAll())
            {
                Reject(request);
            }

            ReportQueueLength();
        }
        finally
        {
            _timer.Dispose();
            _inbox.Writer.TryComplete();
            while (reader.TryRead(out var message))
            {
                if (message.Kind == LoopMessageKind.Enqueued)
                {
                    _queue.Release(message.Request!.Items.Length);
                    Reject(message.Request);
                }
            }
        }
    }

    private void ReportQueueLength()
    {
        if (_queue.Count != _reportedLength)
        {
            _reportedLength = _queue.Count;
            _observer.QueueLengthChanged(Model, _reportedLength);
        }
    }

    private void Apply(LoopMessage message)
    {
        switch (message.Kind)
        {
            case LoopMessageKind.Enqueued:
                var request = message.Request!;
                if (_stopping || request.IsCompleted)
                {
                    _queue.Release(request.Items.Length);
                    Reject(request);
                }
                else
                {
                    _queue.Add(request);
                }

                break;
            case LoopMessageKind.Purge:
                _queue.Remove(message.Request!);
                break;
            case LoopMessageKind.BatchDone:
                _running--;
                break;
            case LoopMessageKind.Tick:
                _armedFor = null;
                break;
            case LoopMessageKind.Stop when !_stopping:
                _stopping = true;
                _nextReadyAt = null;
                var queued = _queue.RemoveAll();
                BatchingLog.Stopping(_logger, Model, queued.Count, _running);
                foreach (var stopped in queued)
                {
                    Reject(stopped);
                }

                break;
        }
    }

    private void ExpireDue(DateTimeOffset now)
    {
        while (_queue.TakeExpired(now) is { } request)
        {
            // Removed first so that the room is free before the caller hears of it.
            _queue.Remove(request);
            var waited = now - request.EnqueuedAt;
            var limit = request.DeadlineIsCallers
                ? "its deadline"
                : $"the queue timeout of {_options.DefaultQueueTimeout.TotalSeconds:0.###} s";
            request.TryFail(
                new DeadlineExceededException($"the request waited {waited.TotalMilliseconds:0} ms in the queue of model '{Model}' and reached {limit} before it could run"),
                BatchOutcome.Deadline);
        }
    }

    private void Dispatch(DateTimeOffset now)
    {
        _nextReadyAt = null;
        while (_running < _options.ConcurrentExecutions)
        {
            if (!_queue.TryTakeBatch(now, _forming, out var readyAt))
            {
                _nextReadyAt = readyAt;
                return;
            }

            var members = _forming.ToArray();
            var values = new TItem[members.Length];
            var waits = new TimeSpan[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                values[i] = members[i].Value;
                waits[i] = now - members[i].Request.EnqueuedAt;
            }

            _running++;
            _observer.BatchStarted(Model, waits);
            _ = Task.Run(() => ExecuteAsync(members, values));
        }
    }

    /// <summary>Sets the one timer to the next moment the loop must act by itself: a deadline, or the
    /// moment a waiting batch may go when a slot is free for it.</summary>
    private void Arm(DateTimeOffset now)
    {
        var next = _queue.NextDeadline();
        if (_nextReadyAt is { } ready && (next is null || ready < next))
        {
            next = ready;
        }

        if (next == _armedFor)
        {
            return;
        }

        _armedFor = next;
        if (next is null)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Whole milliseconds: system timers round shorter waits down to zero and would spin the loop.
        var due = TimeSpan.FromMilliseconds(Math.Ceiling(Math.Max((next.Value - now).TotalMilliseconds, 0)));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private async Task ExecuteAsync(QueuedItem<TItem, TResult>[] members, TItem[] values)
    {
        // Current for the rest of this method (the executor included), whose context is its own.
        using var span = _tracing is not null && _tracing.HasListeners() ? StartBatchSpan(_tracing, members) : null;
        var started = _time.GetTimestamp();
        IReadOnlyList<TResult>? results = null;
        Exception? error = null;
        try
        {
            results = await _executor(values, _abort.Token).ConfigureAwait(false);
            if (results is null || results.Count != values.Length)
            {
                error = new InvalidOperationException($"the executor returned {results?.Count ?? 0} results for a batch of {values.Length} items");
            }
        }
#pragma warning disable CA1031 // Whatever the executor throws is the reason its requests fail.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error = exception;
        }

        var elapsed = _time.GetElapsedTime(started);
        if (error is not null)
        {
            span.SetError(error.GetType().Name);
        }

        RecordExecutionTime(elapsed);
        _observer.BatchCompleted(Model, values.Length, elapsed, error);
        if (error is null)
        {
            for (var i = 0; i < members.Length; i++)
            {
                members[i].Request.TrySetResult(members[i].Index, results![i]);
            }
        }
        else
        {
            BatchingLog.BatchFailed(_logger, error, Model, values.Length);
            foreach (var member in members)
            {
                var failure = new ExecutionFailedException($"model '{Model}' failed to run a batch of {values.Length} items: {error.Message}", error);
                if (member.Request.TryFail(failure, BatchOutcome.Failed))
                {
                    Post(LoopMessage.Purge(member.Request));
                }
            }
        }

        Post(LoopMessage.BatchDone);
    }

    /// <summary>
    /// Starts the batch's span (current from here on) under the span of its oldest request, linked to
    /// every request's queue span, and ends the queue spans of the requests that had waited until now.
    /// </summary>
    private Activity? StartBatchSpan(ActivitySource source, QueuedItem<TItem, TResult>[] members)
    {
        var requests = new List<BatchRequest<TItem, TResult>>();
        var links = new List<ActivityLink>();
        var maxCost = 0;
        foreach (var member in members)
        {
            maxCost = Math.Max(maxCost, member.Cost);
            if (!requests.Contains(member.Request))
            {
                requests.Add(member.Request);
                if (member.Request.QueueSpanContext is { } queued)
                {
                    links.Add(new ActivityLink(queued));
                }
            }
        }

        var span = source.StartActivity(
            "kazgrpc.batch",
            ActivityKind.Internal,
            requests[0].Parent,
            [
                new("kazgrpc.model", Model),
                new("kazgrpc.batch.size", members.Length),
                new("kazgrpc.batch.requests", requests.Count),
                new("kazgrpc.batch.padded_tokens", maxCost * members.Length),
            ],
            links);
        foreach (var request in requests)
        {
            if (request.TakeQueueSpan() is { } queue)
            {
                if (span is not null)
                {
                    queue.AddLink(new ActivityLink(span.Context));
                }

                queue.StopDetached();
            }
        }

        return span;
    }

    /// <summary>Keeps a moving average (weight 1/4 for the newest) of batch execution times for retry hints.</summary>
    private void RecordExecutionTime(TimeSpan elapsed)
    {
        var current = Volatile.Read(ref _meanExecutionTicks);
        while (true)
        {
            var next = current < 0 ? elapsed.Ticks : current + ((elapsed.Ticks - current) / 4);
            var seen = Interlocked.CompareExchange(ref _meanExecutionTicks, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private enum LoopMessageKind
    {
        Enqueued,
        Purge,
        BatchDone,
        Tick,
        Stop,
    }

    private readonly record struct LoopMessage(LoopMessageKind Kind, BatchRequest<TItem, TResult>? Request)
    {
        public static LoopMessage Tick => new(LoopMessageKind.Tick, null);

        public static LoopMessage BatchDone => new(LoopMessageKind.BatchDone, null);

        public static LoopMessage Stop => new(LoopMessageKind.Stop, null);

        public static LoopMessage Enqueued(BatchRequest<TItem, TResult> request) => new(LoopMessageKind.Enqueued, request);

        public static LoopMessage Purge(BatchRequest<TItem, TResult> request) => new(LoopMessageKind.Purge, request);
    }
}
