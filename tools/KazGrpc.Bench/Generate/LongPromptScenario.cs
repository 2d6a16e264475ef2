using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Generate;

/// <summary>
/// The long-prompt scenario: streams decode long outputs; once every one has its first token and a
/// moment has passed, long prompts arrive one after another, each after a stretch of plain decoding.
/// It compares the running streams' inter-token latency while a long prompt is being prefilled
/// (every gap that overlaps the time from sending it to its first token) with their median gap
/// while nothing arrives (the engine's median step, as the streams see it).
/// </summary>
internal static class LongPromptScenario
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Plain = TimeSpan.FromSeconds(2);

    /// <summary>Runs the scenario with <paramref name="stream"/> (one request, its chunks recorded; returns its tokens).</summary>
    public static async Task<Window> MeasureAsync(
        int run, WindowKey key, string label, GenerateWorkload workload, Func<GenerateInput, StreamTimeline, CancellationToken, Task<int>> stream,
        WindowProbe probe, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var runners = workload.Runners.Select(_ => new StreamTimeline(Stopwatch.GetTimestamp())).ToArray();
        var running = Task.WhenAll(workload.Runners.Select((input, i) => RunnerAsync(stream, input, runners[i], stop.Token)));
        var longs = new List<StreamTimeline>();
        var plain = new List<(long From, long To)>();
        var prefill = new List<(long From, long To)>();
        var phase = "streams starting";
        var measuring = ScenarioAsync();
        try
        {
            await Report.ProgressAsync($"run {run} {label}", () => phase, measuring, cancellationToken);
            var (opened, closed, usage) = await measuring;

            // Every stream still runs: stopping them ends the scenario.
            await stop.CancelAsync();
            await running;
            var seconds = StreamLatency.Milliseconds(opened, closed) / 1000;
            var step = Statistics.Median(Gaps(runners, g => plain.Any(p => g.End >= p.From && g.End <= p.To)));
            var stalled = Gaps(runners, g => prefill.Any(p => g.Start < p.To && g.End > p.From));
            var tokens = runners.Sum(r => r.Chunks.Where(c => c.At >= opened && c.At <= closed).Sum(c => (long)c.Tokens));
            var totals = longs.Select(l => StreamLatency.Milliseconds(l.Submitted, l.Chunks[^1].At)).Order().ToArray();
            return new Window(
                run, key, label, "req", runners.Length + 1, longs.Count, seconds, longs.Count / seconds, 0, tokens / seconds,
                Statistics.Percentile(totals, 0.50), Statistics.Percentile(totals, 0.99), 0, false, usage.BenchCores, usage.ServiceCores, usage.OtherCores,
                usage.MeanBatch, usage.HopMs, StreamLatency.From(longs.Select(l => StreamLatency.Milliseconds(l.Submitted, l.Chunks[0].At)), stalled, step));
        }
        finally
        {
            await stop.CancelAsync();
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        async Task<(long Opened, long Closed, WindowProbe.Usage Usage)> ScenarioAsync()
        {
            // A runner that fails surfaces here rather than leaving the scenario waiting for its first token.
            await Task.WhenAny(Task.WhenAll(runners.Select(r => r.FirstChunk)), running).Unwrap();
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("the running streams of the long-prompt scenario ended before it began");
            }

            phase = "streams decoding";
            await Task.Delay(Settle, cancellationToken);
            await probe.StartAsync(cancellationToken);
            var opened = Stopwatch.GetTimestamp();
            foreach (var input in workload.LongPrompts)
            {
                var from = Stopwatch.GetTimestamp();
                phase = $"plain decoding before long prompt {longs.Count + 1} of {workload.LongPrompts.Length}";
                await Task.Delay(Plain, cancellationToken);
                plain.Add((from, Stopwatch.GetTimestamp()));
                phase = $"long prompt {longs.Count + 1} of {workload.LongPrompts.Length} ({input.Prompt.Ids.Length:N0} tokens)";
                var timeline = new StreamTimeline(Stopwatch.GetTimestamp());
                longs.Add(timeline);
                var sent = stream(input, timeline, cancellationToken);
                prefill.Add((timeline.Submitted, await timeline.FirstChunk.WaitAsync(cancellationToken)));
                await sent;
                if (running.IsCompleted)
                {
                    throw new InvalidOperationException("a running stream of the long-prompt scenario ended before it: raise its output length");
                }
            }

            var closed = Stopwatch.GetTimestamp();
            return (opened, closed, await probe.StopAsync(StreamLatency.Milliseconds(opened, closed) / 1000, cancellationToken));
        }
    }

    /// <summary>A running stream, until the scenario stops it.</summary>
    private static async Task RunnerAsync(
        Func<GenerateInput, StreamTimeline, CancellationToken, Task<int>> stream, GenerateInput input, StreamTimeline timeline, CancellationToken stop)
    {
        try
        {
            await stream(input, timeline, stop);
        }
        catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
        }
    }

    private static List<double> Gaps(IEnumerable<StreamTimeline> streams, Func<(long Start, long End), bool> where) =>
        [.. streams.SelectMany(s => s.Gaps()).Where(where).Select(g => StreamLatency.Milliseconds(g.Start, g.End))];
}
