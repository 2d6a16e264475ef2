using System.Diagnostics;

namespace KazGrpc.Bench.Core;

/// <summary>
/// Latency of the token streams of a window (bench generate), in milliseconds: time to first token
/// (from sending the request to the first chunk carrying tokens) and inter-token latency (per stream,
/// between consecutive chunks carrying tokens).
/// </summary>
/// <param name="TtftP50Ms">Median time to first token.</param>
/// <param name="TtftP90Ms">90th percentile time to first token.</param>
/// <param name="TtftP99Ms">99th percentile time to first token.</param>
/// <param name="ItlP50Ms">Median inter-token latency.</param>
/// <param name="ItlP90Ms">90th percentile inter-token latency.</param>
/// <param name="ItlP99Ms">99th percentile inter-token latency.</param>
/// <param name="FirstTokens">Time-to-first-token samples.</param>
/// <param name="Gaps">Inter-token latency samples.</param>
/// <param name="StepMs">Long prompt: the running streams' median inter-token latency before it arrived (their median step); otherwise null.</param>
internal sealed record StreamLatency(
    double TtftP50Ms, double TtftP90Ms, double TtftP99Ms, double ItlP50Ms, double ItlP90Ms, double ItlP99Ms, int FirstTokens, int Gaps, double? StepMs = null)
{
    /// <summary>The tokens that arrived between <paramref name="from"/> and <paramref name="to"/> (timestamps), and the latency of
    /// first tokens and gaps that ended in that time.</summary>
    public static (long Tokens, StreamLatency Latency) Of(IEnumerable<StreamTimeline> streams, long from, long to)
    {
        bool In(long at) => at >= from && at <= to;
        long tokens = 0;
        var firsts = new List<double>();
        var gaps = new List<double>();
        foreach (var stream in streams)
        {
            tokens += stream.Chunks.Where(c => In(c.At)).Sum(c => (long)c.Tokens);
            if (stream.Chunks.Count > 0 && In(stream.Chunks[0].At))
            {
                firsts.Add(Milliseconds(stream.Submitted, stream.Chunks[0].At));
            }

            gaps.AddRange(stream.Gaps().Where(g => In(g.End)).Select(g => Milliseconds(g.Start, g.End)));
        }

        return (tokens, From(firsts, gaps));
    }

    /// <summary>Percentiles of the samples given.</summary>
    public static StreamLatency From(IEnumerable<double> firstTokens, IEnumerable<double> gaps, double? stepMs = null)
    {
        var ttft = firstTokens.Order().ToArray();
        var itl = gaps.Order().ToArray();
        return new StreamLatency(
            Statistics.Percentile(ttft, 0.50), Statistics.Percentile(ttft, 0.90), Statistics.Percentile(ttft, 0.99),
            Statistics.Percentile(itl, 0.50), Statistics.Percentile(itl, 0.90), Statistics.Percentile(itl, 0.99), ttft.Length, itl.Length, stepMs);
    }

    /// <summary>The medians over runs of each figure; null when no run has any.</summary>
    public static StreamLatency? Median(IReadOnlyList<StreamLatency?> runs)
    {
        List<StreamLatency> known = [.. runs.OfType<StreamLatency>()];
        if (known.Count == 0)
        {
            return null;
        }

        double Of(Func<StreamLatency, double> value) => Statistics.Median(known.Select(value));
        return new StreamLatency(
            Of(l => l.TtftP50Ms), Of(l => l.TtftP90Ms), Of(l => l.TtftP99Ms), Of(l => l.ItlP50Ms), Of(l => l.ItlP90Ms), Of(l => l.ItlP99Ms),
            (int)Of(l => l.FirstTokens), (int)Of(l => l.Gaps),
            known.Select(l => l.StepMs).OfType<double>().ToList() is { Count: > 0 } steps ? Statistics.Median(steps) : null);
    }

    /// <summary>Milliseconds from one timestamp to another.</summary>
    public static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
