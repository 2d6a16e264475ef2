namespace KazGrpc.Batching;

/// <summary>
/// The waiting items of one batcher, owned by its batching loop: one FIFO list per priority level and
/// length bucket, and the requests ordered by deadline. It decides which items form the next batch
/// and when that batch may go; the rule is described on <see cref="DynamicBatcher{TItem, TResult}"/>.
/// Only the admission count (<see cref="TryAdmit"/>, <see cref="Release"/>, <see cref="Admitted"/>)
/// is thread-safe; everything else is called by the loop alone.
/// </summary>
internal sealed class BatchQueue<TItem, TResult>
{
    private readonly LinkedList<QueuedItem<TItem, TResult>>?[][] _lists;
    private readonly int[] _levelCounts;
    private readonly PriorityQueue<BatchRequest<TItem, TResult>, DateTimeOffset> _deadlines = new();
    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private readonly int _minLengthBucket;
    private readonly double _lengthBucketGrowth;
    private readonly TimeSpan _maxQueueDelay;
    private readonly int _maxQueueSize;
    private long _nextSequence;
    private int _admitted;

    public BatchQueue(DynamicBatcherOptions options)
    {
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchTokens = options.MaxBatchTokens;
        _minLengthBucket = options.MinLengthBucket;
        _lengthBucketGrowth = options.LengthBucketGrowth;
        _maxQueueDelay = options.MaxQueueDelay;
        _maxQueueSize = options.MaxQueueSize;
        _levelCounts = new int[options.PriorityLevels];
        _lists = new LinkedList<QueuedItem<TItem, TResult>>?[options.PriorityLevels][];
        var buckets = BucketOf(int.MaxValue, _minLengthBucket, _lengthBucketGrowth) + 1;
        for (var level = 0; level < _lists.Length; level++)
        {
            _lists[level] = new LinkedList<QueuedItem<TItem, TResult>>?[buckets];
        }
    }

    /// <summary>Items waiting in the lists.</summary>
    public int Count { get; private set; }

    /// <summary>Items admitted by callers and not yet taken, expired or dropped: those waiting and
    /// those on their way to the loop. Thread-safe.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Reserves room for <paramref name="count"/> items unless that would pass the queue
    /// size; <paramref name="waiting"/> is the admitted count it saw. Thread-safe.</summary>
    public bool TryAdmit(int count, out int waiting)
    {
        var current = Volatile.Read(ref _admitted);
        while (true)
        {
            if (current + count > _maxQueueSize)
            {
                waiting = current;
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _admitted, current + count, current);
            if (seen == current)
            {
                waiting = current + count;
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Gives back room reserved for items that never joined the lists. Thread-safe.</summary>
    public void Release(int count) => Interlocked.Add(ref _admitted, -count);

    /// <summary>The length bucket of a cost: 0 up to <paramref name="minLengthBucket"/>, then k for
    /// costs in (b(k−1), b(k)], where b(0) is the minimum and each bound is the previous one times
    /// <paramref name="growth"/>, rounded up, and at least one more.</summary>
    public static int BucketOf(int cost, int minLengthBucket, double growth)
    {
        var bucket = 0;
        for (long bound = minLengthBucket; bound < cost; bound = Math.Max(bound + 1, (long)Math.Ceiling(bound * growth)))
        {
            bucket++;
        }

        return bucket;
    }

    public void Add(BatchRequest<TItem, TResult> request)
    {
        request.Sequence = _nextSequence++;
        var level = request.Priority - 1;
        var lists = _lists[level];
        foreach (var item in request.Items)
        {
            item.Bucket = BucketOf(item.Cost, _minLengthBucket, _lengthBucketGrowth);
            item.Node = (lists[item.Bucket] ??= new()).AddLast(item);
        }

        request.QueuedCount = request.Items.Length;
        _levelCounts[level] += request.Items.Length;
        Count += request.Items.Length;
        _deadlines.Enqueue(request, request.Deadline);
    }

    /// <summary>Removes every item of <paramref name="request"/> that is still waiting.</summary>
    public void Remove(BatchRequest<TItem, TResult> request)
    {
        if (request.QueuedCount == 0)
        {
            return;
        }

        foreach (var item in request.Items)
        {
            if (item.Node is not null)
            {
                RemoveItem(item);
            }
        }
    }

    /// <summary>Empties the queue; returns the requests that had items waiting, each once.</summary>
    public List<BatchRequest<TItem, TResult>> RemoveAll()
    {
        var requests = new List<BatchRequest<TItem, TResult>>();
        foreach (var lists in _lists)
        {
            foreach (var list in lists)
            {
                while (list?.First is { } first)
                {
                    var request = first.Value.Request;
                    requests.Add(request);
                    Remove(request);
                }
            }
        }

        _deadlines.Clear();
        return requests;
    }

    /// <summary>Takes the next request whose deadline is at or before <paramref name="now"/> and that
    /// still has items waiting; null when there is none.</summary>
    public BatchRequest<TItem, TResult>? TakeExpired(DateTimeOffset now)
    {
        if (NextDeadline() is { } deadline && deadline <= now)
        {
            return _deadlines.Dequeue();
        }

        return null;
    }

    /// <summary>The earliest deadline of a request that still has items waiting.</summary>
    public DateTimeOffset? NextDeadline()
    {
        while (_deadlines.TryPeek(out var request, out var deadline))
        {
            if (request.QueuedCount > 0 && !request.IsCompleted)
            {
                return deadline;
            }

            _deadlines.Dequeue();
        }

        return null;
    }

    /// <summary>
    /// Forms the next batch into <paramref name="batch"/> and removes its items when it may go now;
    /// otherwise leaves the queue as it is, clears <paramref name="batch"/> and says in
    /// <paramref name="readyAt"/> when it may go (null when nothing waits). Items of requests that
    /// have completed meanwhile (cancelled, failed) are dropped on the way.
    /// </summary>
    public bool TryTakeBatch(DateTimeOffset now, List<QueuedItem<TItem, TResult>> batch, out DateTimeOffset? readyAt)
    {
        batch.Clear();
        readyAt = null;
        if (FindHead() is not { } head)
        {
            return false;
        }

        if (head.Cost > _maxBatchTokens)
        {
            batch.Add(head);
            RemoveItem(head);
            return true;
        }

        var maxCost = 0;
        var leftOut = false;
        var oldest = head.Request.EnqueuedAt;
        for (var level = 0; level < _lists.Length; level++)
        {
            if (leftOut && batch.Count == _maxBatchSize)
            {
                break;
            }

            var node = _lists[level][head.Bucket]?.First;
            while (node is not null)
            {
                var next = node.Next;
                var item = node.Value;
                if (item.Request.IsCompleted)
                {
                    RemoveItem(item);
                }
                else if (batch.Count == _maxBatchSize)
                {
                    leftOut = true;
                    break;
                }
                else if ((long)Math.Max(maxCost, item.Cost) * (batch.Count + 1) > _maxBatchTokens)
                {
                    leftOut = true;
                }
                else
                {
                    batch.Add(item);
                    maxCost = Math.Max(maxCost, item.Cost);
                    if (item.Request.EnqueuedAt < oldest)
                    {
                        oldest = item.Request.EnqueuedAt;
                    }
                }

                node = next;
            }
        }

        var full = leftOut || batch.Count == _maxBatchSize || (long)maxCost * (batch.Count + 1) > _maxBatchTokens;
        if (!full && oldest + _maxQueueDelay > now)
        {
            readyAt = oldest + _maxQueueDelay;
            batch.Clear();
            return false;
        }

        foreach (var item in batch)
        {
            RemoveItem(item);
        }

        return true;
    }

    /// <summary>The oldest waiting item of the highest priority level that has any.</summary>
    private QueuedItem<TItem, TResult>? FindHead()
    {
        for (var level = 0; level < _lists.Length; level++)
        {
            QueuedItem<TItem, TResult>? head = null;
            foreach (var list in _lists[level])
            {
                if (_levelCounts[level] == 0)
                {
                    break;
                }

                if (list is null)
                {
                    continue;
                }

                while (list.First is { } first && first.Value.Request.IsCompleted)
                {
                    RemoveItem(first.Value);
                }

                if (list.First?.Value is { } candidate && (head is null || IsOlder(candidate, head)))
                {
                    head = candidate;
                }
            }

            if (head is not null)
            {
                return head;
            }
        }

        return null;
    }

    private static bool IsOlder(QueuedItem<TItem, TResult> a, QueuedItem<TItem, TResult> b) =>
        a.Request.Sequence < b.Request.Sequence || (a.Request.Sequence == b.Request.Sequence && a.Index < b.Index);

    private void RemoveItem(QueuedItem<TItem, TResult> item)
    {
        var node = item.Node!;
        node.List!.Remove(node);
        item.Node = null;
        item.Request.QueuedCount--;
        _levelCounts[item.Request.Priority - 1]--;
        Count--;
        Interlocked.Decrement(ref _admitted);
    }
}
