using System.Diagnostics;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// Latencies of calls (or in-process batches) that complete while a <see cref="LoadRecorder"/>'s
/// window is open, kept per caller so that recording takes no lock. Also counts failed calls in the
/// window by reason. Percentiles are read after the window has closed.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly LoadRecorder _window;
    private readonly List<long>[] _ticks;
    private readonly Lock _errorsLock = new();
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _count;
    private long _sum;

    /// <summary>Creates a recorder for <paramref name="callers"/> callers, recording while <paramref name="window"/> is open.</summary>
    public LatencyRecorder(LoadRecorder window, int callers)
    {
        _window = window;
        _ticks = [.. Enumerable.Range(0, callers).Select(_ => new List<long>(4096))];
    }

    /// <summary>Mean latency so far in the window, in milliseconds; for the progress line.</summary>
    public double MeanMilliseconds
    {
        get
        {
            var count = Interlocked.Read(ref _count);
            return count == 0 ? 0 : Interlocked.Read(ref _sum) * 1000.0 / Stopwatch.Frequency / count;
        }
    }

    /// <summary>Failed calls in the window by reason (e.g. a gRPC status code).</summary>
    public IReadOnlyDictionary<string, long> Errors
    {
        get
        {
            lock (_errorsLock)
            {
                return new Dictionary<string, long>(_errors, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Records one completion of <paramref name="caller"/> that took <paramref name="elapsed"/> Stopwatch ticks.</summary>
    public void Record(int caller, long elapsed)
    {
        if (_window.IsOpen)
        {
            _ticks[caller].Add(elapsed);
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sum, elapsed);
        }
    }

    /// <summary>Records one failure in the window.</summary>
    public void Failed(string reason)
    {
        if (_window.IsOpen)
        {
            lock (_errorsLock)
            {
                _errors[reason] = _errors.GetValueOrDefault(reason) + 1;
            }
        }
    }

    /// <summary>p50, p95 and p99 (nearest rank) and the mean in milliseconds; zeros when nothing was recorded.</summary>
    public (double P50, double P95, double P99, double Mean) Percentiles() => Percentiles(_ticks.SelectMany(t => t));

    /// <summary>p50, p95 and p99 (nearest rank) and the mean in milliseconds of <paramref name="ticks"/> (Stopwatch ticks); zeros when empty.</summary>
    public static (double P50, double P95, double P99, double Mean) Percentiles(IEnumerable<long> ticks)
    {
        var all = ticks.Order().ToArray();
        if (all.Length == 0)
        {
            return (0, 0, 0, 0);
        }

        double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Rank(double p) => Milliseconds(all[Math.Clamp((int)Math.Ceiling(p * all.Length) - 1, 0, all.Length - 1)]);
        return (Rank(0.50), Rank(0.95), Rank(0.99), all.Average() * 1000.0 / Stopwatch.Frequency);
    }
}
