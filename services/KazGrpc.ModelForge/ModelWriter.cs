using System.Globalization;
using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// Writes a model into a model directory as <see cref="ModelFileName"/>. The bytes depend only on the
/// model (protobuf fields in number order, no maps, no timestamps), so writing the same model twice
/// gives identical files.
/// </summary>
public static class ModelWriter
{
    /// <summary>The model file's name in a model directory.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>
    /// Above this many bytes of initializers (1 GiB), weights belong in an external data file:
    /// protobuf cannot hold a message over 2 GiB, and ONNX Runtime maps external data instead of
    /// copying it.
    /// </summary>
    public const long ExternalDataThresholdBytes = 1L << 30;

    /// <summary>
    /// Writes <paramref name="model"/> to <c>{directory}/model.onnx</c>, creating the directory and
    /// replacing an existing file. The file appears complete or not at all (written to a temporary name, then moved).
    /// </summary>
    /// <param name="model">The model, e.g. from <see cref="GraphBuilder.Build"/>.</param>
    /// <param name="directory">The model directory.</param>
    /// <returns>The model file's full path.</returns>
    /// <exception cref="NotSupportedException">The initializers exceed <see cref="ExternalDataThresholdBytes"/>; external data is not written yet.</exception>
    public static string Save(ModelProto model, string directory) => Save(model, directory, ExternalDataThresholdBytes);

    internal static string Save(ModelProto model, string directory, long externalDataThresholdBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);

        var weightBytes = model.Graph?.Initializer.Sum(t => (long)t.CalculateSize()) ?? 0;
        if (weightBytes > externalDataThresholdBytes)
        {
            // The hook for large decoders: move each large initializer's raw_data into
            // "model.onnx.data" at a 4096-aligned offset, set external_data (location, offset,
            // length) and data_location = EXTERNAL, clear raw_data, then write the model as below.
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{model.Graph!.Name}' has {weightBytes} bytes of initializers, over the {externalDataThresholdBytes}-byte limit for weights inside {ModelFileName}; writing them to an external data file is not supported yet."));
        }

        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, ModelFileName));
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            model.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
