namespace KazGrpc.Bench.Embed;

/// <summary>A part of <c>bench embed</c> that <c>--phases</c> can select.</summary>
internal enum EmbedPhase
{
    /// <summary><c>served</c>: Embed through both services, <c>--concurrency</c> callers, 1 input per request.</summary>
    Served,

    /// <summary><c>naive</c>: the same with <c>DynamicBatching:MaxBatchSize=1</c>.</summary>
    Naive,

    /// <summary><c>inproc</c>: <c>EncoderModel.Embed</c> on the pre-tokenized inputs at each batch size; the best is the ceiling.</summary>
    InProcess,

    /// <summary><c>overhead</c>: the forged identity encoder served as in <see cref="Served"/>, and the bare echo.</summary>
    Overhead,

    /// <summary><c>latency</c>: 1 caller, served and in-process at batch 1.</summary>
    Latency,
}
