namespace KazGrpc.Models;

/// <summary>What a model does.</summary>
public enum ModelKind
{
    /// <summary>An encoder that maps texts to vectors.</summary>
    Embedding = 1,

    /// <summary>A decoder that continues text.</summary>
    Generation = 2,
}
