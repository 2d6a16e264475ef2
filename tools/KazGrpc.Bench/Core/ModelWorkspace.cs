using KazGrpc.ModelForge;
using KazGrpc.Models;

namespace KazGrpc.Bench.Core;

/// <summary>
/// A temporary directory with the models directories the started services use: <c>models/</c>
/// holds only a link to the model under test, so that the services load nothing else; when asked
/// for, <c>identity/</c> holds the forged identity encoder, with the same tokenizer. Disposing
/// deletes the directory (the link, never the model).
/// </summary>
internal sealed class ModelWorkspace : IDisposable
{
    /// <summary>The served name of the identity encoder.</summary>
    public const string IdentityModel = "identity";

    private ModelWorkspace(string root, string modelDirectory, string model, string tokenizer)
    {
        (Root, ModelDirectory, Model, Tokenizer) = (root, modelDirectory, model, tokenizer);
    }

    public string Root { get; }

    /// <summary>The model under test's own directory (the in-process runs load it from there).</summary>
    public string ModelDirectory { get; }

    public string Model { get; }

    /// <summary>The model's tokenizer (its <c>kazgrpc.json</c>, else the model's name).</summary>
    public string Tokenizer { get; }

    public string ModelsDirectory => Path.Combine(Root, "models");

    public string IdentityModelsDirectory => Path.Combine(Root, "identity");

    /// <summary>Links <paramref name="model"/> of <paramref name="modelsDirectory"/>, and forges the identity encoder when <paramref name="identityEncoder"/>.</summary>
    public static ModelWorkspace Create(string modelsDirectory, string model, bool identityEncoder)
    {
        var source = Path.GetFullPath(Path.Combine(modelsDirectory, model));
        if (!File.Exists(Path.Combine(source, "model.onnx")))
        {
            throw new InvalidOperationException($"{source} has no model.onnx; prepare the models first: kazgrpc models prepare");
        }

        var workspace = new ModelWorkspace(Directory.CreateTempSubdirectory("kazgrpc-bench-").FullName, source, model, EmbeddingModelConfig.Read(source).Tokenizer ?? model);
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(Directory.CreateDirectory(workspace.ModelsDirectory).FullName, model), source);
            if (identityEncoder)
            {
                IdentityEncoder.Write(Path.Combine(workspace.IdentityModelsDirectory, IdentityModel), tokenizer: workspace.Tokenizer);
            }

            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            // The link first, on its own: deleting a link removes the link, not what it points to.
            var link = Path.Combine(ModelsDirectory, Model);
            if (Directory.Exists(link))
            {
                Directory.Delete(link);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is not worth failing the benchmark for.
        }
    }
}
