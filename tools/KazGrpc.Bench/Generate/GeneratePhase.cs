namespace KazGrpc.Bench.Generate;

/// <summary>A part of <c>bench generate</c> that <c>--phases</c> selects; a run measures each concurrency level's modes in this order, then the long prompt.</summary>
internal enum GeneratePhase
{
    /// <summary>The generation engine and decoder in this process, no gRPC.</summary>
    Inproc,

    /// <summary>Generate streams through tokenizer-svc and inference-svc, started as processes.</summary>
    Served,

    /// <summary>onnxruntime-genai's Generator in static batches, in a process of its own.</summary>
    Genai,

    /// <summary>A long prompt arriving while streams decode, in-process and served.</summary>
    Long,
}
