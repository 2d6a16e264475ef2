namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>Log messages of the OpenAI-compatible API; never request text or token ids.</summary>
internal static partial class OpenAiLog
{
    /// <summary>Logs a rejected request; sensitive numbers the message repeats from the request are masked.</summary>
    public static void Rejected(ILogger logger, string route, int httpStatus, string message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            RejectedCore(logger, route, httpStatus, Text.SensitiveNumbers.Redact(message));
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "OpenAI {Route} rejected: {HttpStatus} {Message}")]
    private static partial void RejectedCore(ILogger logger, string route, int httpStatus, string message);

    [LoggerMessage(2, LogLevel.Debug, "OpenAI {Route} ended by the caller")]
    public static partial void CallerLeft(ILogger logger, string route);

    [LoggerMessage(3, LogLevel.Error, "OpenAI {Route} failed unexpectedly; error id {ErrorId}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string route, string errorId);

    [LoggerMessage(4, LogLevel.Error, "Execution failed in OpenAI {Route}; error id {ErrorId}")]
    public static partial void ExecutionFailed(ILogger logger, Exception exception, string route, string errorId);

}
