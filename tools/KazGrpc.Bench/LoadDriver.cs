using System.Diagnostics;

namespace KazGrpc.Bench;

/// <summary>Runs a load for a warm-up, then measures it for a fixed window, then stops it.</summary>
internal static class LoadDriver
{
    /// <summary>
    /// Starts <paramref name="load"/>, lets it warm up, counts what completes during
    /// <paramref name="duration"/> (or until the pool runs out), then stops it and waits for work in
    /// flight. Errors of the load surface here.
    /// </summary>
    public static Task<LoadResult> MeasureAsync(ITokenizeLoad load, TextPool pool, TimeSpan warmup, TimeSpan duration, CancellationToken abort) =>
        MeasureAsync(new LoadRecorder(), (recorder, stop, cancel) => load.RunAsync(pool, recorder, stop, cancel), warmup, duration, abort);

    /// <summary>
    /// Starts <paramref name="run"/> (given the recorder, a stop token and the abort token), lets it
    /// warm up, counts into <paramref name="recorder"/> what completes during
    /// <paramref name="duration"/> (or until the recorder's limit or the load's pool runs out), then
    /// stops it and waits for work in flight. <paramref name="opening"/> runs just before the window
    /// opens and <paramref name="closed"/> just after it closes, to take other snapshots (other
    /// processes' CPU, a service's metrics) over the same window. Errors of the load surface here.
    /// </summary>
    public static async Task<LoadResult> MeasureAsync(
        LoadRecorder recorder,
        Func<LoadRecorder, CancellationToken, CancellationToken, Task> run,
        TimeSpan warmup,
        TimeSpan duration,
        CancellationToken abort,
        Func<Task>? opening = null,
        Func<Task>? closed = null)
    {
        using var stop = new CancellationTokenSource();
        var running = run(recorder, stop.Token, abort);
        try
        {
            var ranOut = await WaitAsync(warmup, recorder, running, abort);
            if (opening is not null)
            {
                await opening();
            }

            var cpu = Environment.CpuUsage.TotalTime;
            var pause = GC.GetTotalPauseDuration();
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var allocated = GC.GetTotalAllocatedBytes();
            var started = Stopwatch.GetTimestamp();
            recorder.Open();

            ranOut |= await WaitAsync(duration, recorder, running, abort);

            recorder.Close();
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            if (closed is not null)
            {
                await closed();
            }

            var result = new LoadResult(
                recorder.Texts, recorder.Bytes, recorder.Tokens, seconds,
                cpuSeconds,
                (GC.GetTotalPauseDuration() - pause).TotalSeconds,
                GC.CollectionCount(0) - gen0,
                GC.CollectionCount(2) - gen2,
                GC.GetTotalAllocatedBytes() - allocated,
                ranOut);
            await stop.CancelAsync();
            await running;
            return result;
        }
        finally
        {
            await stop.CancelAsync();
            // Observe the load's fault, if any, when an earlier await threw.
            _ = running.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>Runs <paramref name="load"/> until its pool is empty (no warm-up); for JIT warm-up and calibration.</summary>
    public static Task<LoadResult> DrainAsync(ITokenizeLoad load, TextPool pool, CancellationToken abort) =>
        MeasureAsync(load, pool, TimeSpan.Zero, TimeSpan.FromMinutes(10), abort);

    /// <summary>Waits <paramref name="time"/>; returns early, with true, when the pool runs out.</summary>
    private static async Task<bool> WaitAsync(TimeSpan time, LoadRecorder recorder, Task running, CancellationToken abort)
    {
        if (time <= TimeSpan.Zero)
        {
            return false;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var delay = Task.Delay(time, cancelDelay.Token);
        var first = await Task.WhenAny(delay, recorder.RanOut, running);
        await cancelDelay.CancelAsync();
        if (first == running)
        {
            // A load ends on its own only when it failed (or ran out, which RanOut also says).
            await running;
        }

        abort.ThrowIfCancellationRequested();
        return first != delay;
    }
}
