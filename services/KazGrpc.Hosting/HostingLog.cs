using Grpc.Core;
using KazGrpc.Text;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Error, "Call {Method} failed unexpectedly; error id {ErrorId}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(2, LogLevel.Debug, "Call {Method} ended by the caller: {StatusCode}")]
    public static partial void CallerEnded(ILogger logger, string method, StatusCode statusCode);

    /// <summary>Logs a rejected call; sensitive numbers the message repeats from the request are masked.</summary>
    public static void Rejected(ILogger logger, string method, StatusCode statusCode, string message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            RejectedCore(logger, method, statusCode, SensitiveNumbers.Redact(message));
        }
    }

    [LoggerMessage(3, LogLevel.Debug, "Call {Method} rejected: {StatusCode} {Message}")]
    private static partial void RejectedCore(ILogger logger, string method, StatusCode statusCode, string message);

    [LoggerMessage(4, LogLevel.Error, "Execution failed in {Method}; error id {ErrorId}")]
    public static partial void ExecutionFailed(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(5, LogLevel.Information, "Health: {Status}")]
    public static partial void HealthChanged(ILogger logger, string status);

    [LoggerMessage(6, LogLevel.Debug, "TLS handshake from {Remote} refused: {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string remote, string reason);

    /// <summary>Logs a refused request message; sensitive numbers the reason repeats are masked.</summary>
    public static void MalformedRequest(ILogger logger, string method, StatusCode statusCode, string message)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            MalformedRequestCore(logger, method, statusCode, SensitiveNumbers.Redact(message));
        }
    }

    [LoggerMessage(7, LogLevel.Debug, "Call {Method} refused a request message: {StatusCode} {Message}")]
    private static partial void MalformedRequestCore(ILogger logger, string method, StatusCode statusCode, string message);
}
