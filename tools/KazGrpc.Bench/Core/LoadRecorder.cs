using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace KazGrpc.Bench.Core;

/// <summary>
/// Counts what completes while a window is open, with each call's latency kept per caller so that
/// recording takes no lock; with <paramref name="streaming"/>, also each caller's token streams
/// (bench generate), kept whole and cut to the window when it is read. Thread-safe; latencies and
/// streams are read once every caller has stopped.
/// </summary>
internal sealed class LoadRecorder(int callers, bool streaming = false)
{
    private readonly List<double>[] _latencies = [.. Enumerable.Range(0, callers).Select(_ => new List<double>())];
    private readonly StreamLog[] _streams = [.. Enumerable.Range(0, streaming ? callers : 0).Select(_ => new StreamLog())];
    private long _items;
    private long _bytes;
    private long _tokens;
    private long _failed;
    private string? _firstFailure;
    private long _openedAt;
    private long _closedAt;
    private volatile bool _open;

    public long Items => Interlocked.Read(ref _items);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Tokens => Interlocked.Read(ref _tokens);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Whether the callers record token streams.</summary>
    public bool Streaming => streaming;

    public void Open()
    {
        Interlocked.Exchange(ref _openedAt, Stopwatch.GetTimestamp());
        _open = true;
    }

    public void Close()
    {
        Interlocked.Exchange(ref _closedAt, Stopwatch.GetTimestamp());
        _open = false;
    }

    /// <summary>The streams of <paramref name="caller"/>, with <c>streaming</c> only.</summary>
    public StreamLog Streams(int caller) => _streams[caller];

    /// <summary>The tokens of every stream that arrived while the window was open, and the streams' latency in it.</summary>
    public (long Tokens, StreamLatency Latency) StreamFigures() =>
        StreamLatency.Of(_streams.SelectMany(s => s.Streams), Interlocked.Read(ref _openedAt), Interlocked.Read(ref _closedAt));

    /// <summary>Records a call of <paramref name="caller"/> that started at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public void Completed(int caller, Work work, long started)
    {
        if (_open)
        {
            _latencies[caller].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Add(ref _items, work.Items);
            Interlocked.Add(ref _bytes, work.Bytes);
            Interlocked.Add(ref _tokens, work.Tokens);
        }
    }

    /// <summary>The status of the first call that failed while the window was open; null when none did.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    public void Fail(RpcException error)
    {
        if (_open)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstFailure, $"{error.StatusCode}: {error.Status.Detail}", null);
        }
    }

    /// <summary>p50 and p99 in milliseconds.</summary>
    public (double P50, double P99) Latency()
    {
        var all = _latencies.SelectMany(l => l).Order().ToArray();
        return (Statistics.Percentile(all, 0.50), Statistics.Percentile(all, 0.99));
    }

    /// <summary>The window so far, for the live display.</summary>
    public string Status(string unit)
    {
        var opened = Interlocked.Read(ref _openedAt);
        if (!_open)
        {
            return opened == 0 ? "warming up" : "finishing";
        }

        var seconds = Stopwatch.GetElapsedTime(opened).TotalSeconds;
        if (streaming)
        {
            // Tokens of the streams that completed: the live rate lags, the window's figure does not.
            return string.Format(CultureInfo.InvariantCulture, "{0:F0} s  {1:N0} {2} done  {3:N0} tokens/s{4}",
                seconds, Items, unit, Tokens / Math.Max(seconds, 1e-3), Failed > 0 ? $"  {Failed:N0} failed" : string.Empty);
        }

        return string.Format(CultureInfo.InvariantCulture, "{0:F0} s  {1:N0} {2}  {3:N1} {2}/s{4}",
            seconds, Items, unit, Items / Math.Max(seconds, 1e-3), Failed > 0 ? $"  {Failed:N0} failed" : string.Empty);
    }
}
