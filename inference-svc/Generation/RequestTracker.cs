using System.Collections.Concurrent;
using KazGrpc.Core;
using KazGrpc.Generation;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>
/// The generation requests this instance runs, by request id, for Abort: running ids are unique
/// (a second request with a running id is ALREADY_EXISTS), and the ids of the last
/// <see cref="RememberedIds"/> requests that ended are kept, so that aborting one of them succeeds
/// (idempotent) while an id never seen is NOT_FOUND.
/// </summary>
public sealed class RequestTracker
{
    /// <summary>How many ended request ids are remembered.</summary>
    public const int RememberedIds = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _endedOrder = new();
    private readonly ConcurrentDictionary<string, byte> _ended = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="requestId"/> for a new request; dispose the result when the request ends.</summary>
    public IDisposable Register(string requestId)
    {
        var entry = new Entry(this, requestId);
        if (!_running.TryAdd(requestId, entry))
        {
            throw new AlreadyExistsException("request", requestId, "request_id");
        }

        return entry;
    }

    /// <summary>Ties the engine's sequence to its claimed id, so that Abort reaches it.</summary>
    public void Attach(string requestId, GenerationSequence sequence)
    {
        if (_running.TryGetValue(requestId, out var entry))
        {
            entry.Sequence = sequence;
        }
    }

    /// <summary>Stops a running request; false when it had already ended. NOT_FOUND for an id never seen.</summary>
    public bool Abort(string requestId)
    {
        FieldRules.Required(requestId, "request_id");
        if (_running.TryGetValue(requestId, out var entry))
        {
            entry.Aborted = true;
            return entry.Sequence?.Stop(FinishReason.Aborted) ?? true;
        }

        return _ended.ContainsKey(requestId) ? false : throw new ResourceNotFoundException("request", requestId);
    }

    /// <summary>Whether Abort was called for the running request <paramref name="requestId"/> (also before its sequence started).</summary>
    public bool IsAborted(string requestId) => _running.TryGetValue(requestId, out var entry) && entry.Aborted;

    private void End(Entry entry)
    {
        if (!_running.TryRemove(new KeyValuePair<string, Entry>(entry.RequestId, entry)))
        {
            return;
        }

        if (_ended.TryAdd(entry.RequestId, 0))
        {
            _endedOrder.Enqueue(entry.RequestId);
            while (_endedOrder.Count > RememberedIds && _endedOrder.TryDequeue(out var oldest))
            {
                _ended.TryRemove(oldest, out _);
            }
        }
    }

    private sealed class Entry(RequestTracker tracker, string requestId) : IDisposable
    {
        public string RequestId { get; } = requestId;

        public volatile GenerationSequence? Sequence;

        public volatile bool Aborted;

        public void Dispose() => tracker.End(this);
    }
}
