using System.Diagnostics;
using Grpc.Core;

namespace KazGrpc.Bench.Core;

/// <summary>
/// The one load of the bench commands: a closed loop of callers, each calling the target with the next
/// item as soon as its last call has answered, in-process or through the services alike. A call
/// that fails with a gRPC status is counted and its caller goes on after a short pause; any other
/// failure ends the load and surfaces.
/// </summary>
internal static class LoadLoop
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(20);

    /// <summary>Measures one window: warm-up, then the window, with CPU and service metrics over it.</summary>
    public static Task<Window> MeasureAsync<T>(
        WindowSpec spec, IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask<Work>> call, WindowProbe probe, CancellationToken cancellationToken) =>
        MeasureAsync(spec, items, new LoadRecorder(spec.Callers), (item, _, token) => call(item, token), probe, cancellationToken);

    /// <summary>
    /// Measures one window of token streams (bench generate): each call records its streams in its
    /// caller's <see cref="StreamLog"/>, and the window's tokens/s and stream latency count what arrived
    /// while it was open, whenever the calls that carried it ended.
    /// </summary>
    public static Task<Window> MeasureAsync<T>(
        WindowSpec spec, IReadOnlyList<T> items, Func<T, StreamLog, CancellationToken, ValueTask<Work>> call, WindowProbe probe, CancellationToken cancellationToken)
    {
        var recorder = new LoadRecorder(spec.Callers, streaming: true);
        return MeasureAsync(spec, items, recorder, (item, caller, token) => call(item, recorder.Streams(caller), token), probe, cancellationToken);
    }

    /// <summary>Runs the load for <paramref name="time"/>, cycling through <paramref name="items"/>, and forgets what it did.</summary>
    public static async Task WarmAsync<T>(
        IReadOnlyList<T> items, int callers, Func<T, CancellationToken, ValueTask<Work>> call, TimeSpan time, CancellationToken cancellationToken)
    {
        if (time > TimeSpan.Zero)
        {
            await RunAsync(items, callers, once: false, (item, _, token) => call(item, token), new LoadRecorder(callers), time, TimeSpan.Zero, WindowProbe.None, cancellationToken);
        }
    }

    private static async Task<Window> MeasureAsync<T>(
        WindowSpec spec, IReadOnlyList<T> items, LoadRecorder recorder, Func<T, int, CancellationToken, ValueTask<Work>> call, WindowProbe probe, CancellationToken cancellationToken)
    {
        // Every window starts from a compacted heap, not with the previous one's garbage.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();

        var running = RunAsync(items, spec.Callers, spec.Once, call, recorder, spec.Warmup, spec.Duration, probe, cancellationToken);
        await Report.ProgressAsync(spec.Run > 0 ? $"run {spec.Run} {spec.Label}" : spec.Label, () => recorder.Status(spec.Unit), running, cancellationToken);
        var (seconds, ranOut, usage) = await running;
        var (p50, p99) = recorder.Latency();
        (long Tokens, StreamLatency? Latency) streams = recorder.Streaming ? recorder.StreamFigures() : (recorder.Tokens, null);
        return new Window(
            spec.Run, spec.Key, spec.Label, spec.Unit, spec.Callers, recorder.Items, seconds,
            recorder.Items / seconds, recorder.Bytes / seconds / 1e6, streams.Tokens / seconds, p50, p99, recorder.Failed, ranOut && spec.Duration is not null,
            usage.BenchCores, usage.ServiceCores, usage.OtherCores, usage.MeanBatch, usage.HopMs, streams.Latency, recorder.FirstFailure);
    }

    private static async Task<(double Seconds, bool RanOut, WindowProbe.Usage Usage)> RunAsync<T>(
        IReadOnlyList<T> items, int callers, bool once, Func<T, int, CancellationToken, ValueTask<Work>> call, LoadRecorder recorder,
        TimeSpan warmup, TimeSpan? duration, WindowProbe probe, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1L;
        async Task CallerAsync(int caller)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    if (once && index >= items.Count)
                    {
                        return;
                    }

                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        // Calls get the abort token, not stop: work in flight finishes when the window closes.
                        recorder.Completed(caller, await call(items[(int)(index % items.Count)], caller, cancellationToken), started);
                    }
                    catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        recorder.Fail(ex);
                        await Task.Delay(ErrorPause, cancellationToken);
                    }
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                await stop.CancelAsync();
                throw;
            }
        }

        // Dedicated threads, so that a synchronous target (the model in-process) does not hold pool threads.
        var loops = Task.WhenAll(Enumerable.Range(0, callers).Select(caller =>
            Task.Factory.StartNew(() => CallerAsync(caller), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));
        try
        {
            await EndsWithinAsync(loops, warmup, cancellationToken);
            await probe.StartAsync(cancellationToken);
            recorder.Open();
            var opened = Stopwatch.GetTimestamp();
            var ranOut = await EndsWithinAsync(loops, duration, cancellationToken);
            recorder.Close();
            var seconds = Math.Max(Stopwatch.GetElapsedTime(opened).TotalSeconds, 1e-6);
            return (seconds, ranOut, await probe.StopAsync(seconds, cancellationToken));
        }
        finally
        {
            await stop.CancelAsync();
            await loops;
        }
    }

    /// <summary>Waits <paramref name="time"/> (null: for ever); true when the callers ended first (items ran out, or one failed).</summary>
    private static async Task<bool> EndsWithinAsync(Task loops, TimeSpan? time, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(loops, Task.Delay(time ?? Timeout.InfiniteTimeSpan, timer.Token));
        await timer.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == loops;
    }
}
