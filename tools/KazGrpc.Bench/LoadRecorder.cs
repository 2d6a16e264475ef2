namespace KazGrpc.Bench;

/// <summary>
/// Counts completed batches, but only while the measurement window is open: batches that complete
/// during warm-up or after the window closes are not counted. With a limit, the window closes
/// early (as when a pool runs out) once that many texts completed in it. Thread-safe.
/// </summary>
/// <param name="limit">Texts after which the window closes; null for none.</param>
internal sealed class LoadRecorder(long? limit = null)
{
    private readonly TaskCompletionSource _ranOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _measuring;
    private long _texts;
    private long _bytes;
    private long _tokens;
    private long _openedAt;

    /// <summary>Completes when a load found its text pool empty.</summary>
    public Task RanOut => _ranOut.Task;

    /// <summary>Texts completed inside the window.</summary>
    public long Texts => Interlocked.Read(ref _texts);

    /// <summary>UTF-8 bytes of the texts completed inside the window.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Tokens returned for the texts completed inside the window.</summary>
    public long Tokens => Interlocked.Read(ref _tokens);

    /// <summary>True while the measurement window is open.</summary>
    public bool IsOpen => Volatile.Read(ref _measuring) == 1;

    /// <summary>Records one completed batch.</summary>
    public void Completed(int texts, long bytes, long tokens)
    {
        if (Volatile.Read(ref _measuring) == 1)
        {
            var total = Interlocked.Add(ref _texts, texts);
            Interlocked.Add(ref _bytes, bytes);
            Interlocked.Add(ref _tokens, tokens);
            if (total >= limit)
            {
                _ranOut.TrySetResult();
            }
        }
    }

    /// <summary>Says that the pool is empty; the driver closes the window early.</summary>
    public void PoolEmpty() => _ranOut.TrySetResult();

    /// <summary>When the window opened (a <see cref="System.Diagnostics.Stopwatch"/> timestamp); 0 before.</summary>
    public long OpenedAt => Interlocked.Read(ref _openedAt);

    /// <summary>Opens the measurement window.</summary>
    public void Open()
    {
        Interlocked.Exchange(ref _openedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        Volatile.Write(ref _measuring, 1);
    }

    /// <summary>Closes the measurement window.</summary>
    public void Close() => Volatile.Write(ref _measuring, 2);
}
