namespace KazGrpc.Bench.Embed;

/// <summary>One way of producing embeddings (or echoes) as fast as it allows, from a fixed set of callers.</summary>
internal interface IEmbedLoad
{
    /// <summary>Callers (or in-process executions) working at once; each records latencies under its own index.</summary>
    int Callers { get; }

    /// <summary>
    /// Works until <paramref name="stop"/> is signalled, then lets work in flight finish. Reports each
    /// completion to <paramref name="recorder"/> (items, UTF-8 bytes, tokens) and its latency and
    /// failures to <paramref name="latencies"/>.
    /// </summary>
    Task RunAsync(LoadRecorder recorder, LatencyRecorder latencies, CancellationToken stop, CancellationToken abort);
}
