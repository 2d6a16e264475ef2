using System.Collections.Concurrent;
using KazGrpc.Core;
using KazGrpc.Generation;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>
/// The generation requests this instance runs, by caller and request id, for Abort: a caller's
/// running ids are unique (a second request with one of them is ALREADY_EXISTS), and the ids of the
/// last <see cref="RememberedIds"/> requests that ended are kept, so that aborting one of them
/// succeeds (idempotent) while an id never seen is NOT_FOUND. Ids belong to their caller: another
/// caller's request with the same id neither collides nor can be aborted (it is NOT_FOUND to it).
/// The service's own requests (warm-up) belong to the empty caller.
/// </summary>
public sealed class RequestTracker
{
    /// <summary>How many ended request ids are remembered.</summary>
    public const int RememberedIds = 10_000;

    private readonly ConcurrentDictionary<RequestKey, RequestClaim> _running = new();
    private readonly ConcurrentQueue<RequestKey> _endedOrder = new();
    private readonly ConcurrentDictionary<RequestKey, byte> _ended = new();

    /// <summary>Claims <paramref name="requestId"/> for a new request of <paramref name="caller"/>; dispose the claim when the request ends.</summary>
    public RequestClaim Register(string caller, string requestId)
    {
        var claim = new RequestClaim(this, new RequestKey(caller, requestId));
        if (!_running.TryAdd(claim.Key, claim))
        {
            throw new AlreadyExistsException("request", requestId, "request_id");
        }

        return claim;
    }

    /// <summary>Stops <paramref name="caller"/>'s running request; false when it had already ended. NOT_FOUND for an id it never used.</summary>
    public bool Abort(string caller, string requestId)
    {
        FieldRules.Required(requestId, "request_id");
        var key = new RequestKey(caller, requestId);
        if (_running.TryGetValue(key, out var claim))
        {
            claim.Aborted = true;
            return claim.Sequence?.Stop(FinishReason.Aborted) ?? true;
        }

        return _ended.ContainsKey(key) ? false : throw new ResourceNotFoundException("request", requestId);
    }

    internal void End(RequestClaim claim)
    {
        if (!_running.TryRemove(new KeyValuePair<RequestKey, RequestClaim>(claim.Key, claim)))
        {
            return;
        }

        if (_ended.TryAdd(claim.Key, 0))
        {
            _endedOrder.Enqueue(claim.Key);
            while (_endedOrder.Count > RememberedIds && _endedOrder.TryDequeue(out var oldest))
            {
                _ended.TryRemove(oldest, out _);
            }
        }
    }
}
