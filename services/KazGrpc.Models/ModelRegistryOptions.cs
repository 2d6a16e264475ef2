namespace KazGrpc.Models;

/// <summary>Where models come from (section <c>Models</c>).</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Models";

    /// <summary>Directory whose sub-directories are model directories (<c>model.onnx</c> plus config);
    /// each is served under the sub-directory's name. Default <c>models</c>.</summary>
    public string ModelsDirectory { get; set; } = "models";
}
