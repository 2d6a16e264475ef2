using System.Collections.Concurrent;
using System.Threading.Channels;

namespace KazGrpc.Batching.Tests;

/// <summary>
/// The batcher's executor in these tests (the one place a fake model runner is allowed): it records
/// every batch and holds it until the test completes the call, so that tests decide when and how
/// each batch ends. The result of item "x" is "r:x".
/// </summary>
internal sealed class FakeExecutor
{
    private readonly Channel<ExecutorCall> _calls = Channel.CreateUnbounded<ExecutorCall>();
    private readonly ConcurrentQueue<ExecutorCall> _all = new();
    private volatile bool _released;

    /// <summary>Every batch received so far, in arrival order.</summary>
    public IReadOnlyList<string[]> Batches => [.. _all.Select(c => c.Items)];

    public int CallCount => _all.Count;

    public ValueTask<IReadOnlyList<string>> ExecuteAsync(IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        var call = new ExecutorCall([.. items], cancellationToken);
        _all.Enqueue(call);
        _calls.Writer.TryWrite(call);
        if (_released)
        {
            call.Succeed();
        }

        return new ValueTask<IReadOnlyList<string>>(call.Task);
    }

    /// <summary>The next batch the batcher sends, in arrival order.</summary>
    public async Task<ExecutorCall> NextCallAsync() =>
        await _calls.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WithTimeout();

    /// <summary>Completes every call held now or made later, so that the batcher can stop.</summary>
    public void ReleaseAll()
    {
        _released = true;
        foreach (var call in _all)
        {
            call.Succeed();
        }
    }
}
