using System.Diagnostics;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// What this machine's caches keep over an idle gap: the time of one dependent walk over a fixed
/// buffer (one load per 64-byte line, in a shuffled order that no prefetcher follows) right after the
/// same walk, and after sleeping as long as the served path idles between calls. A call path that
/// starts from sleeping threads also starts from whatever of its code and data the caches kept, so
/// the idle round trip of a large stack such as gRPC's is bound from below by this machine property.
/// </summary>
/// <param name="Run">The run, from 1.</param>
/// <param name="KiB">Size of the buffer walked.</param>
/// <param name="PauseMs">Sleep before each idle walk.</param>
/// <param name="WarmMs">Median time of a walk right after the last one.</param>
/// <param name="IdleMs">Median time of a walk after the pause.</param>
internal sealed record MemoryReread(int Run, int KiB, double PauseMs, double WarmMs, double IdleMs)
{
    /// <summary>The buffer walked: a few times the first-level cache, well within the second.</summary>
    public const int DefaultKiB = 256;

    private const int LineBytes = 64;
    private const int Repeats = 31;

    /// <summary>Measures on the calling thread (it sleeps <paramref name="pause"/> <see cref="Repeats"/> times).</summary>
    public static MemoryReread Measure(int run, TimeSpan pause, CancellationToken cancellationToken, int kib = DefaultKiB)
    {
        // next[i * stride] holds the index of the line to load after line i: one cycle through all lines.
        const int stride = LineBytes / sizeof(int);
        var lines = kib * 1024 / LineBytes;
        var order = Enumerable.Range(0, lines).ToArray();
        new Random(lines).Shuffle(order);
        var next = new int[lines * stride];
        for (var i = 0; i < lines; i++)
        {
            next[order[i] * stride] = order[(i + 1) % lines] * stride;
        }

        var warm = new double[Repeats];
        var idle = new double[Repeats];
        // Each walk starts where the last one ended, so that no load can be left out.
        var at = 0;
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            at = Walk(next, lines, at);
            warm[repeat] = Timed(ref at);
            Thread.Sleep(pause);
            idle[repeat] = Timed(ref at);
        }

        return new MemoryReread(run, kib, pause.TotalMilliseconds, BenchSummary.Median(warm), BenchSummary.Median(idle));

        double Timed(ref int position)
        {
            var started = Stopwatch.GetTimestamp();
            position = Walk(next, lines, position);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }

    private static int Walk(int[] next, int lines, int at)
    {
        for (var i = 0; i < lines; i++)
        {
            at = next[at];
        }

        return at;
    }
}
