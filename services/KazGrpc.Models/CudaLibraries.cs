using System.Runtime.InteropServices;

namespace KazGrpc.Models;

/// <summary>
/// Finds out whether the native libraries ONNX Runtime's CUDA provider links against can be loaded,
/// without asking ONNX Runtime: appending the provider where they are missing makes ONNX Runtime
/// print a native error on every start, and its list of available providers names CUDA even then.
/// </summary>
internal static class CudaLibraries
{
    // What Microsoft.ML.OnnxRuntime.Gpu 1.31's CUDA provider links: CUDA 13 and cuDNN 9.
    private static readonly string[] Linux = ["libcudart.so.13", "libcublasLt.so.13", "libcublas.so.13", "libcurand.so.10", "libcudnn.so.9"];
    private static readonly string[] Windows = ["cudart64_13.dll", "cublasLt64_13.dll", "cublas64_13.dll", "curand64_10.dll", "cudnn64_9.dll"];

    /// <summary>The libraries that cannot be loaded, by file name; empty when every one can.</summary>
    public static IReadOnlyList<string> Missing()
    {
        var names = OperatingSystem.IsWindows() ? Windows : Linux;
        var missing = new List<string>();
        foreach (var name in names)
        {
            // The default search covers the application's native folders (runtimes/<rid>/native),
            // then the system's (LD_LIBRARY_PATH, the loader cache) as ONNX Runtime's own load does.
            if (NativeLibrary.TryLoad(name, typeof(CudaLibraries).Assembly, null, out var handle))
            {
                NativeLibrary.Free(handle);
            }
            else
            {
                missing.Add(name);
            }
        }

        return missing;
    }
}
