namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>What an Embed input is, for models trained with a prefix for each side of a retrieval pair.</summary>
public enum EmbedInputType
{
    /// <summary>Nothing said: no prefix.</summary>
    None,

    /// <summary>A search query: the model's query prefix goes first.</summary>
    Query,

    /// <summary>A document to be found: the model's passage prefix goes first.</summary>
    Passage,
}
