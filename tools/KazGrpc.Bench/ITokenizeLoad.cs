namespace KazGrpc.Bench;

/// <summary>One way of driving the tokenizer (in-process, unary calls, a stream) as hard as it allows.</summary>
internal interface ITokenizeLoad
{
    /// <summary>
    /// Takes batches from <paramref name="pool"/> and tokenizes them until <paramref name="stop"/>
    /// is signalled (then lets work in flight finish) or the pool runs out (then calls
    /// <see cref="LoadRecorder.PoolEmpty"/>). Reports each completed batch to <paramref name="recorder"/>.
    /// </summary>
    /// <param name="pool">Source of fresh texts.</param>
    /// <param name="recorder">Receives completed batches.</param>
    /// <param name="stop">Stop starting new work.</param>
    /// <param name="abort">Abandon work in flight (the user pressed Ctrl+C).</param>
    Task RunAsync(TextPool pool, LoadRecorder recorder, CancellationToken stop, CancellationToken abort);
}
