using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.Models;

/// <summary>Creates ONNX Runtime sessions with the configured execution provider and threads.</summary>
public sealed partial class SessionFactory(IOptions<OnnxRuntimeOptions> options, ILogger<SessionFactory> logger)
{
    // Once CUDA failed in auto mode, later models go straight to the CPU instead of failing again.
    private volatile bool _cudaFailed;

    /// <summary>Creates a session for <paramref name="modelPath"/>; returns it with the provider it runs on (<c>cuda</c> or <c>cpu</c>).
    /// The caller disposes the session.</summary>
    public (InferenceSession Session, string Provider) Create(string modelPath)
    {
        var settings = options.Value;
        if (settings.ExecutionProvider == "cuda" || (settings.ExecutionProvider == "auto" && !_cudaFailed))
        {
            try
            {
                return (CreateSession(modelPath, settings, cuda: true), "cuda");
            }
            catch (OnnxRuntimeException ex) when (settings.ExecutionProvider == "auto")
            {
                // Without CUDA the provider cannot be appended (or the session cannot start): auto
                // falls back to the CPU and says so; an explicit "cuda" fails start-up.
                _cudaFailed = true;
                CudaUnavailable(logger, ex.Message);
            }
        }

        return (CreateSession(modelPath, settings, cuda: false), "cpu");
    }

    /// <summary>Creates a session for the model in <paramref name="model"/> on <paramref name="provider"/>
    /// (as <see cref="Create(string)"/> returned it for the model it runs beside). The caller disposes the session.</summary>
    public InferenceSession Create(byte[] model, string provider)
    {
        using var sessionOptions = SessionOptionsFor(options.Value, cuda: provider == "cuda");
        return new InferenceSession(model, sessionOptions);
    }

    /// <summary>Whether an encoder on <paramref name="provider"/> pools on its device (see <see cref="OnnxRuntimeOptions.Pooling"/>).</summary>
    public bool PoolsOnDevice(string provider) => options.Value.Pooling switch
    {
        "device" => true,
        "host" => false,
        _ => provider == "cuda",
    };

    /// <summary>The memory of <paramref name="provider"/>'s device, for outputs that stay there: the
    /// configured CUDA device's, or the host's. The caller disposes it.</summary>
    public OrtMemoryInfo DeviceMemory(string provider) => provider == "cuda"
        ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, options.Value.CudaDeviceId, OrtMemType.Default)
        : new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);

    private static InferenceSession CreateSession(string modelPath, OnnxRuntimeOptions settings, bool cuda)
    {
        using var sessionOptions = SessionOptionsFor(settings, cuda);
        return new InferenceSession(modelPath, sessionOptions);
    }

    private static SessionOptions SessionOptionsFor(OnnxRuntimeOptions settings, bool cuda)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (cuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
            }
            catch
            {
                sessionOptions.Dispose();
                throw;
            }
        }

        return sessionOptions;
    }

    [LoggerMessage(1, LogLevel.Information, "CUDA execution provider unavailable ({Reason}); running on CPU")]
    private static partial void CudaUnavailable(ILogger logger, string reason);
}
