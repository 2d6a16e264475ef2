namespace KazGrpc.Bench.Embed;

/// <summary>A part of <c>bench embed</c> that <c>--phases</c> selects, in the order a run measures them.</summary>
internal enum EmbedPhase
{
    /// <summary>The in-process sweep of batch sizes; the best is the ceiling.</summary>
    Inproc,

    /// <summary>Embed through both services, many callers.</summary>
    Served,

    /// <summary>One caller: served, in-process batch 1 and the hop echo, on the same inputs.</summary>
    Latency,

    /// <summary>Served with <c>DynamicBatching:MaxBatchSize=1</c>.</summary>
    Naive,

    /// <summary>The identity encoder served, against the bare echo and the hop echo.</summary>
    Overhead,
}
