using KazGrpc.ModelForge;
using KazGrpc.Models;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// A temporary directory with the models directories the started services use: <c>models/</c>
/// holds only the model under test (its files linked, not copied), so that tokenizer-svc and
/// inference-svc load nothing else; <c>identity/</c> holds the forged identity encoder, which uses
/// the same tokenizer. Disposing deletes the directory (the links, never the model's files).
/// </summary>
internal sealed class BenchWorkspace : IDisposable
{
    /// <summary>The served name of the forged encoder.</summary>
    public const string IdentityModel = "identity";

    private BenchWorkspace(string root, string modelDirectory, string model, string tokenizer)
    {
        Root = root;
        ModelDirectory = modelDirectory;
        Model = model;
        Tokenizer = tokenizer;
    }

    /// <summary>The temporary directory.</summary>
    public string Root { get; }

    /// <summary>The model under test's own directory (where the in-process run loads it from).</summary>
    public string ModelDirectory { get; }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The model's tokenizer name (its <c>kazgrpc.json</c>, else the model's name).</summary>
    public string Tokenizer { get; }

    /// <summary>Models directory holding only the model under test (and so its tokenizer).</summary>
    public string ModelsDirectory => Path.Combine(Root, "models");

    /// <summary>Models directory holding only the identity encoder.</summary>
    public string IdentityModelsDirectory => Path.Combine(Root, "identity");

    /// <summary>Creates the workspace for <paramref name="model"/> of <paramref name="modelsDirectory"/>.</summary>
    public static BenchWorkspace Create(string modelsDirectory, string model)
    {
        var source = Path.GetFullPath(Path.Combine(modelsDirectory, model));
        if (!File.Exists(Path.Combine(source, "model.onnx")))
        {
            throw new InvalidOperationException(
                $"{source} has no model.onnx; prepare the models first: dotnet tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll models prepare");
        }

        var tokenizer = EmbeddingModelConfig.Read(source).Tokenizer ?? model;
        var root = Directory.CreateTempSubdirectory("kazgrpc-bench-embed-").FullName;
        var workspace = new BenchWorkspace(root, source, model, tokenizer);
        try
        {
            var linked = Directory.CreateDirectory(Path.Combine(workspace.ModelsDirectory, model)).FullName;
            foreach (var file in Directory.EnumerateFiles(source))
            {
                File.CreateSymbolicLink(Path.Combine(linked, Path.GetFileName(file)), file);
            }

            IdentityEncoder.Write(Path.Combine(workspace.IdentityModelsDirectory, IdentityModel), tokenizer: tokenizer);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            // Links first, one by one: deleting a link removes the link, not what it points to.
            if (Directory.Exists(ModelsDirectory))
            {
                foreach (var link in Directory.EnumerateFiles(ModelsDirectory, "*", SearchOption.AllDirectories))
                {
                    File.Delete(link);
                }
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is not worth failing the benchmark for.
        }
    }
}
