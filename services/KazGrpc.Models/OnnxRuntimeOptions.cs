namespace KazGrpc.Models;

/// <summary>How models run (section <c>OnnxRuntime</c>).</summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "OnnxRuntime";

    /// <summary><c>auto</c> (default: CUDA when its libraries load and a session starts on it, else
    /// the CPU; the choice and its reason are logged once), <c>cuda</c> (start-up fails without CUDA)
    /// or <c>cpu</c>.</summary>
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>Threads one execution uses. Default 1: the batcher runs executions side by side
    /// (<c>DynamicBatching:ConcurrentExecutions</c>), one per core, instead of one on all cores
    /// (see docs/performance.md).</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads one decoder step uses. Default: one per processor (<see cref="Environment.ProcessorCount"/>),
    /// because a generation engine runs one step at a time. 0 leaves it to ONNX Runtime, whose own default
    /// kept a step on about one core of a 2-vCPU VM (see docs/performance.md).</summary>
    public int DecoderIntraOpThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>Threads for parallel graph branches. Default 1.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>CUDA device id. Default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// Where an encoder's pooling runs: <c>device</c> (a pooling graph on the encoder's execution
    /// provider, fed the hidden state through IOBinding where it lies; only the pooled vectors come to
    /// the host), <c>host</c> (the hidden state comes to the host and is pooled there), or <c>auto</c>
    /// (default: device on CUDA, host on the CPU, where there is no copy to save and the managed pooling
    /// costs less than a second session run).
    /// </summary>
    public string Pooling { get; set; } = "auto";

    /// <summary>Throws when a value is out of range; called at start-up.</summary>
    public void Validate()
    {
        if (ExecutionProvider is not ("auto" or "cuda" or "cpu"))
        {
            throw new InvalidOperationException($"{SectionName}:ExecutionProvider must be auto, cuda or cpu; got '{ExecutionProvider}'");
        }

        if (Pooling is not ("auto" or "device" or "host"))
        {
            throw new InvalidOperationException($"{SectionName}:Pooling must be auto, device or host; got '{Pooling}'");
        }

        if (IntraOpThreads < 0 || InterOpThreads < 0 || DecoderIntraOpThreads < 0)
        {
            throw new InvalidOperationException($"{SectionName}: IntraOpThreads, InterOpThreads and DecoderIntraOpThreads must be >= 0; got {IntraOpThreads}, {InterOpThreads}, {DecoderIntraOpThreads}");
        }
    }

    internal OnnxRuntimeOptions With(int intraOpThreads)
    {
        var copy = (OnnxRuntimeOptions)MemberwiseClone();
        copy.IntraOpThreads = intraOpThreads;
        return copy;
    }
}
