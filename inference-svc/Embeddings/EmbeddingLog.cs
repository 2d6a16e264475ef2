namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>Log messages of the embedding service; never request text or token ids.</summary>
internal static partial class EmbeddingLog
{
    [LoggerMessage(1, LogLevel.Debug, "Embed request {RequestId}: model {Model}, {Inputs} inputs, {Tokens} tokens, priority {Priority}")]
    public static partial void Embedding(ILogger logger, string requestId, string model, int inputs, int tokens, int priority);
}
