namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>Limits of the Embed RPC (section <c>Embedding</c>).</summary>
public sealed class EmbeddingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Embedding";

    /// <summary>Most inputs in one Embed request. Default 256.</summary>
    public int MaxInputs { get; set; } = 256;
}
