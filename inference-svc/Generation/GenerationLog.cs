namespace KazGrpc.InferenceSvc.Generation;

/// <summary>Log messages of the generation service; never request text or token ids.</summary>
internal static partial class GenerationLog
{
    /// <summary>Logs a submitted request; <paramref name="requestId"/> is already redacted (it is the engine's too).</summary>
    [LoggerMessage(1, LogLevel.Debug, "Generate {RequestId}: model {Model}, {PromptTokens} prompt tokens, at most {MaxNewTokens} new, priority {Priority}")]
    public static partial void Generating(ILogger logger, string requestId, string model, int promptTokens, int maxNewTokens, int priority);
}
