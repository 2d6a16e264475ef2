namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>Log messages of the embedding service; never request text or token ids.</summary>
internal static partial class EmbeddingLog
{
    /// <summary>Logs an admitted request; sensitive numbers in the caller's request id are masked.</summary>
    public static void Embedding(ILogger logger, string requestId, string model, int inputs, int tokens, int priority)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            EmbeddingCore(logger, Text.SensitiveNumbers.Redact(requestId), model, inputs, tokens, priority);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Embed request {RequestId}: model {Model}, {Inputs} inputs, {Tokens} tokens, priority {Priority}")]
    private static partial void EmbeddingCore(ILogger logger, string requestId, string model, int inputs, int tokens, int priority);
}
