using System.Threading.Channels;

namespace KazGrpc.InferenceSvc;

/// <summary>Wakes <see cref="InferenceRuntime"/> when something changed that affects readiness.</summary>
public sealed class InferenceSignals
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Something readiness depends on changed: the tokenizer came or went, or a model needs
    /// to be warmed (again) before it serves.</summary>
    public void Changed() => _wake.Writer.TryWrite(true);

    /// <summary>Waits for a signal or <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
