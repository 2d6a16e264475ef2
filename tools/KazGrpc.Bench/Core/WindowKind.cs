namespace KazGrpc.Bench.Core;

/// <summary>What a measurement window measured.</summary>
internal enum WindowKind
{
    /// <summary>bench tokenize: <c>TokenizationService</c> called in this process.</summary>
    TokenizeInProcess,

    /// <summary>bench tokenize: unary Tokenize, one text per call.</summary>
    TokenizeUnary1,

    /// <summary>bench tokenize: unary Tokenize, a batch of texts per call.</summary>
    TokenizeUnary,

    /// <summary>bench tokenize: one TokenizeStream, a batch of texts per request.</summary>
    TokenizeStream,

    /// <summary>bench embed: <c>EncoderModel.Embed</c> in this process at one batch size (the sweep; its best is the ceiling).</summary>
    InProcess,

    /// <summary>bench embed: Embed through tokenizer-svc and inference-svc, many callers.</summary>
    Served,

    /// <summary>bench embed: the same with <c>DynamicBatching:MaxBatchSize=1</c>.</summary>
    Naive,

    /// <summary>bench embed: the forged identity encoder served as <see cref="Served"/> (the overhead run).</summary>
    Identity,

    /// <summary>bench embed: the bare gRPC echo, many callers.</summary>
    Echo,

    /// <summary>bench embed: the echo that first makes the tokenizer hop, many callers.</summary>
    HopEcho,

    /// <summary>bench embed: <see cref="Served"/> at one caller, fixed inputs.</summary>
    ServedOneCaller,

    /// <summary>bench embed: in-process batch 1 at one caller, the same inputs.</summary>
    InProcessOneCaller,

    /// <summary>bench embed: <see cref="HopEcho"/> at one caller, the same inputs.</summary>
    HopEchoOneCaller,

    /// <summary>bench generate: Generate streams through tokenizer-svc and inference-svc.</summary>
    GenerateServed,

    /// <summary>bench generate: the same requests on <c>GenerationEngine</c> and <c>DecoderModel</c> in this process.</summary>
    GenerateInProcess,

    /// <summary>bench generate: onnxruntime-genai's <c>Generator</c> on the same prompts in static batches, in a process of its own.</summary>
    GenerateGenAi,

    /// <summary>bench generate: a long prompt arriving while streams decode, through the services.</summary>
    LongPromptServed,

    /// <summary>bench generate: the same in this process.</summary>
    LongPromptInProcess,
}
