using System.Collections.Concurrent;

namespace KazGrpc.Tokenization;

/// <summary>
/// A fixed set of encoders for one tokenizer, one per worker: the library's caches take locks, so
/// one instance per concurrent encoding scales and a shared one does not. Renting waits while all
/// encoders are busy, which also bounds the CPU work in flight.
/// </summary>
public sealed class TokenizerPool : IDisposable
{
    private readonly ConcurrentBag<TokenEncoder> _idle = [];
    private readonly SemaphoreSlim _available;

    /// <summary>Creates <paramref name="size"/> encoders now (so start-up pays their cost, not the first request).</summary>
    public TokenizerPool(TokenizerDefinition definition, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Definition = definition;
        for (var i = 0; i < size; i++)
        {
            _idle.Add(definition.CreateEncoder());
        }

        _available = new SemaphoreSlim(size, size);
        Size = size;
    }

    /// <summary>The tokenizer these encoders implement.</summary>
    public TokenizerDefinition Definition { get; }

    /// <summary>Number of encoders.</summary>
    public int Size { get; }

    /// <summary>Runs <paramref name="work"/> with an encoder of its own.</summary>
    public async ValueTask<T> RunAsync<T, TState>(TState state, Func<TokenEncoder, TState, T> work, CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        _idle.TryTake(out var encoder);
        try
        {
            return work(encoder!, state);
        }
        finally
        {
            _idle.Add(encoder!);
            _available.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _available.Dispose();
}
