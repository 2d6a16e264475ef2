using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(1, LogLevel.Error, "Call {Method} failed unexpectedly; error id {ErrorId}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(2, LogLevel.Debug, "Call {Method} ended by the caller: {StatusCode}")]
    public static partial void CallerEnded(ILogger logger, string method, StatusCode statusCode);

    [LoggerMessage(3, LogLevel.Debug, "Call {Method} rejected: {StatusCode} {Message}")]
    public static partial void Rejected(ILogger logger, string method, StatusCode statusCode, string message);

    [LoggerMessage(4, LogLevel.Error, "Execution failed in {Method}; error id {ErrorId}")]
    public static partial void ExecutionFailed(ILogger logger, Exception exception, string method, string errorId);

    [LoggerMessage(5, LogLevel.Information, "Health: {Status}")]
    public static partial void HealthChanged(ILogger logger, string status);

    [LoggerMessage(6, LogLevel.Debug, "TLS handshake from {Remote} refused: {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Call {Method} refused a request message: {StatusCode} {Message}")]
    public static partial void MalformedRequest(ILogger logger, string method, StatusCode statusCode, string message);
}
