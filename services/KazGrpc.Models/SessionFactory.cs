using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.Models;

/// <summary>
/// Creates ONNX Runtime sessions with the configured execution provider and threads. The provider is
/// chosen once per factory, on first use, and logged once at Information with the reason.
/// </summary>
public sealed partial class SessionFactory(IOptions<OnnxRuntimeOptions> options, ILogger<SessionFactory> logger)
{
    private readonly Lock _gate = new();
    private string? _provider;

    /// <summary>
    /// The provider sessions run on: <c>cpu</c>, or <c>cuda</c> when configured, or in <c>auto</c>
    /// when the CUDA libraries can be loaded (and until a CUDA session fails to start).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>cuda</c> is configured and the CUDA libraries cannot be loaded.</exception>
    public string Provider
    {
        get
        {
            lock (_gate)
            {
                return _provider ??= Choose(options.Value);
            }
        }
    }

    /// <summary>Threads one decoder step uses (<see cref="OnnxRuntimeOptions.DecoderIntraOpThreads"/>).</summary>
    public int DecoderIntraOpThreads => options.Value.DecoderIntraOpThreads;

    /// <summary>Creates a session for <paramref name="modelPath"/>; returns it with the provider it runs on (<c>cuda</c> or <c>cpu</c>).
    /// The caller disposes the session.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="intraOpThreads">Threads one run uses, instead of <see cref="OnnxRuntimeOptions.IntraOpThreads"/>
    /// (0: ONNX Runtime's default, one per physical core); null keeps the configured value.</param>
    /// <param name="cpuOnly">Run on the CPU whatever the provider chosen for the process (a model
    /// whose runtime binds its buffers in host memory).</param>
    public (InferenceSession Session, string Provider) Create(string modelPath, int? intraOpThreads = null, bool cpuOnly = false)
    {
        var settings = intraOpThreads is { } threads ? options.Value.With(threads) : options.Value;
        if (Provider == "cuda" && !cpuOnly)
        {
            try
            {
                return (CreateSession(modelPath, settings, cuda: true), "cuda");
            }
            catch (OnnxRuntimeException ex) when (settings.ExecutionProvider == "auto")
            {
                // The libraries load but CUDA still cannot run (no device, driver too old): auto
                // falls back to the CPU for this and later models; an explicit "cuda" fails start-up.
                lock (_gate)
                {
                    _provider = "cpu";
                }

                CudaFailed(logger, ex.Message);
            }
        }

        return (CreateSession(modelPath, settings, cuda: false), "cpu");
    }

    /// <summary>Creates a session for the model in <paramref name="model"/> on <paramref name="provider"/>
    /// (as <see cref="Create(string, int?, bool)"/> returned it for the model it runs beside). The caller disposes the session.</summary>
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

    private string Choose(OnnxRuntimeOptions settings)
    {
        if (settings.ExecutionProvider == "cpu")
        {
            ProviderChosen(logger, "cpu", "configured");
            return "cpu";
        }

        var missing = CudaLibraries.Missing();
        if (missing.Count == 0)
        {
            ProviderChosen(logger, "cuda", $"{(settings.ExecutionProvider == "cuda" ? "configured" : "auto")}: the CUDA libraries load; device {settings.CudaDeviceId}");
            return "cuda";
        }

        var names = string.Join(", ", missing);
        if (settings.ExecutionProvider == "cuda")
        {
            throw new InvalidOperationException(
                $"{OnnxRuntimeOptions.SectionName}:ExecutionProvider is cuda, but these CUDA libraries cannot be loaded: {names} (install CUDA 13 and cuDNN 9, or put them on LD_LIBRARY_PATH)");
        }

        ProviderChosen(logger, "cpu", $"auto: no CUDA, these libraries cannot be loaded: {names}");
        return "cpu";
    }

    [LoggerMessage(1, LogLevel.Information, "Execution provider: {Provider} ({Reason})")]
    private static partial void ProviderChosen(ILogger logger, string provider, string reason);

    [LoggerMessage(2, LogLevel.Warning, "CUDA could not start a session ({Reason}); running on cpu")]
    private static partial void CudaFailed(ILogger logger, string reason);
}
