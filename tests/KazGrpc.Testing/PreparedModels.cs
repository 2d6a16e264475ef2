using KazGrpc.Launcher;

namespace KazGrpc.Testing;

/// <summary>The models that <c>kazgrpc models prepare</c> extracts into the repository's <c>models/</c> (never committed).</summary>
public static class PreparedModels
{
    /// <summary>all-MiniLM-L6-v2's directory (<c>model.onnx</c>, <c>vocab.txt</c>). Throws, saying how
    /// to prepare it, when it is absent.</summary>
    public static string MiniLmDirectory
    {
        get
        {
            var directory = Path.Combine(RepositoryPaths.ModelsDirectory, "minilm");
            if (!File.Exists(Path.Combine(directory, "model.onnx")))
            {
                throw new InvalidOperationException(
                    $"{directory}/model.onnx is missing; ./test.sh prepares it, or run once: dotnet build KazGrpc.sln -c {RepositoryPaths.Configuration} && "
                    + $"dotnet tools/KazGrpc.Tools/bin/{RepositoryPaths.Configuration}/net10.0/kazgrpc.dll models prepare --models-dir models");
            }

            return directory;
        }
    }
}
