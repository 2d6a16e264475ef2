using Microsoft.Extensions.Logging;

namespace KazGrpc.Generation;

internal static partial class GenerationLog
{
    [LoggerMessage(1, LogLevel.Error, "Generation step of model {Model} failed; its {Count} sequences fail, the engine goes on")]
    public static partial void StepFailed(ILogger logger, Exception exception, string model, int count);

    [LoggerMessage(2, LogLevel.Debug, "Request {RequestId} admitted to model {Model} row {Row} with {PromptTokens} prompt tokens")]
    public static partial void Admitted(ILogger logger, string requestId, string model, int row, int promptTokens);

    [LoggerMessage(3, LogLevel.Debug, "Request {RequestId} of model {Model} finished: {Reason} after {Tokens} tokens")]
    public static partial void Finished(ILogger logger, string requestId, string model, FinishReason reason, int tokens);

    [LoggerMessage(4, LogLevel.Critical, "Generation loop of model {Model} stopped unexpectedly")]
    public static partial void LoopCrashed(ILogger logger, Exception exception, string model);
}
