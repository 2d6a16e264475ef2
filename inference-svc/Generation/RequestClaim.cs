using KazGrpc.Generation;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>A running request's hold on its id.</summary>
public sealed class RequestClaim : IDisposable
{
    private readonly RequestTracker _tracker;
    private volatile GenerationSequence? _sequence;
    private volatile bool _aborted;

    internal RequestClaim(RequestTracker tracker, RequestKey key)
    {
        _tracker = tracker;
        Key = key;
    }

    /// <summary>Whether Abort was called for the request (also before its sequence started).</summary>
    public bool Aborted
    {
        get => _aborted;
        internal set => _aborted = value;
    }

    internal RequestKey Key { get; }

    internal GenerationSequence? Sequence => _sequence;

    /// <summary>Ties the engine's sequence to the claimed id, so that Abort reaches it.</summary>
    public void Attach(GenerationSequence sequence) => _sequence = sequence;

    /// <summary>Releases the id; it is remembered as ended.</summary>
    public void Dispose() => _tracker.End(this);
}
