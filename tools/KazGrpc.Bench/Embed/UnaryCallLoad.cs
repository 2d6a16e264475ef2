using System.Diagnostics;
using Grpc.Core;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// Concurrent callers, each making one unary call after another with one input of the corpus, in
/// corpus order across callers (wrapping around, or with <c>once</c> each input once, then the load
/// reports its pool empty). A failed call is counted by status code and the caller goes on after a
/// short pause, so one hiccup does not end a long run.
/// </summary>
/// <param name="callers">Concurrent callers.</param>
/// <param name="inputs">The corpus.</param>
/// <param name="call">Makes the call for one input and checks the answer; returns the tokens it reports (0 when none).</param>
/// <param name="once">Take each input once, then end the window.</param>
/// <param name="pause">Each caller waits this long before each call (outside its timing); zero: none.</param>
internal sealed class UnaryCallLoad(
    int callers, IReadOnlyList<EmbedInput> inputs, Func<EmbedInput, CancellationToken, Task<long>> call, bool once = false, TimeSpan pause = default) : IEmbedLoad
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(20);

    /// <inheritdoc />
    public int Callers => callers;

    /// <inheritdoc />
    public Task RunAsync(LoadRecorder recorder, LatencyRecorder latencies, CancellationToken stop, CancellationToken abort)
    {
        var next = -1L;
        var finished = 0;
        EmbedInput? Take()
        {
            var taken = Interlocked.Increment(ref next);
            return once && taken >= inputs.Count ? null : inputs[(int)((ulong)taken % (ulong)inputs.Count)];
        }

        void Done()
        {
            if (once && Interlocked.Increment(ref finished) == inputs.Count)
            {
                recorder.PoolEmpty();
            }
        }

        var loops = new Task[callers];
        for (var i = 0; i < loops.Length; i++)
        {
            var caller = i;
            loops[i] = Task.Run(() => LoopAsync(caller, Take, Done, recorder, latencies, stop, abort), abort);
        }

        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(
        int caller, Func<EmbedInput?> take, Action done, LoadRecorder recorder, LatencyRecorder latencies, CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested && take() is { } input)
        {
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, abort).ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            long tokens;
            try
            {
                tokens = await call(input, abort).ConfigureAwait(false);
            }
            catch (RpcException ex) when (!abort.IsCancellationRequested)
            {
                latencies.Failed(ex.StatusCode.ToString());
                done();
                await Task.Delay(ErrorPause, abort).ConfigureAwait(false);
                continue;
            }

            latencies.Record(caller, Stopwatch.GetTimestamp() - started);
            recorder.Completed(1, input.Bytes, tokens);
            done();
        }
    }
}
