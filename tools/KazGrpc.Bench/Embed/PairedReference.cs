using System.Diagnostics;
using KazGrpc.Models;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// The in-process side of the 1-caller comparison, run in step with the served calls over the same
/// inputs: before each stretch of <c>stretch</c> served calls, the same inputs run in-process (batch 1,
/// pre-tokenized, normalised), one after another, and are timed here. Stretches alternate, so a
/// machine that speeds up or slows down during the run (as shared VMs do, by more than the serving
/// cost) moves both sides alike, while served calls still follow one another as a lone caller's do.
/// </summary>
/// <param name="encoder">The in-process model.</param>
/// <param name="inputs">The inputs the served calls take, in their order.</param>
/// <param name="stretch">Inputs per stretch.</param>
internal sealed class PairedReference(EncoderModel encoder, IReadOnlyList<EmbedInput> inputs, int stretch)
{
    private readonly List<long> _ticks = [];
    private long _tokens;
    private int _next;

    /// <summary>Called before each served call (one caller, inputs in order, wrapping around): at the start of a
    /// stretch, embeds the stretch's inputs in-process and keeps their latencies.</summary>
    public void BeforeCall(EmbedInput input)
    {
        var index = _next++;
        if (index % stretch != 0)
        {
            return;
        }

        // Taken modulo the count, as the served load wraps around when it is not fixed work.
        for (var i = 0; i < stretch; i++)
        {
            var ids = inputs[(index + i) % inputs.Count].Ids;
            var started = Stopwatch.GetTimestamp();
            var vectors = encoder.Embed([ids], CancellationToken.None);
            EncoderModel.Normalize(vectors[0]);
            _ticks.Add(Stopwatch.GetTimestamp() - started);
            _tokens += ids.Length;
        }
    }

    /// <summary>The in-process measurement: latencies of the runs kept; rates over their busy time; no CPU figures (the model ran on the caller's thread between calls).</summary>
    public EmbedMeasurement Measurement(int run, string key, string label, string model)
    {
        var (p50, p95, p99, mean) = LatencyRecorder.Percentiles(_ticks);
        var seconds = _ticks.Sum() / (double)Stopwatch.Frequency;
        var perSecond = seconds > 0 ? _ticks.Count / seconds : 0;
        return new EmbedMeasurement(
            run, key, label, model, 1, 1, _ticks.Count, _tokens, seconds, perSecond, seconds > 0 ? _tokens / seconds : 0, p50, p95, p99, mean,
            null, new Dictionary<string, long>(StringComparer.Ordinal), 0, new Dictionary<string, double>(StringComparer.Ordinal),
            new Dictionary<string, int>(StringComparer.Ordinal), 0, perSecond, 0, false);
    }
}
