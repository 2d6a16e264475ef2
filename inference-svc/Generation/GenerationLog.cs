namespace KazGrpc.InferenceSvc.Generation;

internal static partial class GenerationLog
{
    [LoggerMessage(1, LogLevel.Debug, "Generate {RequestId}: model {Model}, {PromptTokens} prompt tokens, at most {MaxNewTokens} new, priority {Priority}")]
    public static partial void Generating(ILogger logger, string requestId, string model, int promptTokens, int maxNewTokens, int priority);
}
