using System.Diagnostics;
using KazGrpc.Models;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// <see cref="EncoderModel.Embed"/> called directly on pre-tokenized batches, from
/// <c>executions</c> dedicated threads (as the batcher runs that many batches at once), each taking
/// the next batch and normalising the vectors as the service does. No gRPC, no tokenizer, no
/// batcher: what the model alone can do on this machine. With <c>once</c> every batch runs exactly
/// once and the load reports its pool empty when the last one has completed (fixed work, so batch
/// sizes compare on the same inputs); otherwise batches wrap around until stopped.
/// </summary>
/// <param name="encoder">The model.</param>
/// <param name="batches">The batches, in the order they are taken.</param>
/// <param name="executions">Batches running at once.</param>
/// <param name="once">Run each batch once, then end the window.</param>
internal sealed class EncoderLoad(EncoderModel encoder, IReadOnlyList<EmbedInput[]> batches, int executions, bool once = false) : IEmbedLoad
{
    /// <summary>
    /// Batches of <paramref name="batchSize"/> as the batcher would like to form them: the inputs
    /// sorted by length and cut in order, so that each batch pads as little as they allow; longest
    /// batches first, so that when each runs once the last ones to finish are short and the
    /// executions stay busy to the end.
    /// </summary>
    public static EmbedInput[][] LengthSortedBatches(IReadOnlyList<EmbedInput> inputs, int batchSize) =>
        [.. inputs.OrderByDescending(i => i.Ids.Length).Chunk(batchSize)];

    /// <summary>
    /// Batches of up to <paramref name="batchSize"/> formed as the dynamic batcher forms them when
    /// everything is queued: inputs in corpus order go to their length bucket (lengths up to
    /// <paramref name="minLengthBucket"/>, then bounds that grow by <paramref name="growth"/>, rounded
    /// up, as the batcher's), and a bucket that fills becomes a batch. Padding within a bucket is what
    /// separates this from <see cref="LengthSortedBatches"/>. Longest batches first, as there.
    /// </summary>
    public static EmbedInput[][] BucketedBatches(IReadOnlyList<EmbedInput> inputs, int batchSize, int minLengthBucket, double growth)
    {
        var buckets = new Dictionary<int, List<EmbedInput>>();
        var batches = new List<EmbedInput[]>();
        foreach (var input in inputs)
        {
            var bucket = 0;
            for (long bound = minLengthBucket; bound < input.Ids.Length; bound = Math.Max(bound + 1, (long)Math.Ceiling(bound * growth)))
            {
                bucket++;
            }

            var members = buckets.TryGetValue(bucket, out var list) ? list : buckets[bucket] = [];
            members.Add(input);
            if (members.Count == batchSize)
            {
                batches.Add([.. members]);
                members.Clear();
            }
        }

        batches.AddRange(buckets.Values.Where(b => b.Count > 0).Select(b => b.ToArray()));
        return [.. batches.OrderByDescending(b => b.Length * b.Max(i => i.Ids.Length))];
    }

    /// <summary>Batches of one, in corpus order (the order the served runs take inputs in).</summary>
    public static EmbedInput[][] Singles(IReadOnlyList<EmbedInput> inputs) => [.. inputs.Select(i => new[] { i })];

    /// <inheritdoc />
    public int Callers => executions;

    /// <inheritdoc />
    public Task RunAsync(LoadRecorder recorder, LatencyRecorder latencies, CancellationToken stop, CancellationToken abort)
    {
        var ids = batches.Select(b => (IReadOnlyList<int[]>)[.. b.Select(i => i.Ids)]).ToArray();
        var bytes = batches.Select(b => b.Sum(i => (long)i.Bytes)).ToArray();
        var tokens = batches.Select(b => b.Sum(i => (long)i.Ids.Length)).ToArray();
        var next = -1L;
        var completed = 0;
        var loops = new Task[executions];
        for (var i = 0; i < loops.Length; i++)
        {
            var execution = i;
            loops[i] = Task.Factory.StartNew(
                () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var taken = Interlocked.Increment(ref next);
                        if (once && taken >= ids.Length)
                        {
                            return;
                        }

                        var index = (int)((ulong)taken % (ulong)ids.Length);
                        var started = Stopwatch.GetTimestamp();
                        var vectors = encoder.Embed(ids[index], abort);
                        foreach (var vector in vectors)
                        {
                            VectorMath.NormalizeL2(vector);
                        }

                        latencies.Record(execution, Stopwatch.GetTimestamp() - started);
                        recorder.Completed(vectors.Length, bytes[index], tokens[index]);
                        if (once && Interlocked.Increment(ref completed) == ids.Length)
                        {
                            recorder.PoolEmpty();
                        }
                    }
                },
                abort,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        return Task.WhenAll(loops);
    }
}
