using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Client;

/// <summary>Log messages of the DetokenizeStream (<see cref="DetokenizeStreamMultiplexer"/>).</summary>
internal static partial class DetokenizeLog
{
    [LoggerMessage(1, LogLevel.Debug, "Opened a DetokenizeStream for {Sequences} open sequences")]
    public static partial void StreamOpened(ILogger logger, int sequences);

    [LoggerMessage(2, LogLevel.Warning, "The DetokenizeStream broke ({Reason}); reopening it to replay {Sequences} sequences")]
    public static partial void StreamBroke(ILogger logger, string reason, int sequences);

    [LoggerMessage(3, LogLevel.Warning, "The DetokenizeStream failed with {Code} ({Reason}); {Sequences} open sequences fail")]
    public static partial void StreamFailed(ILogger logger, StatusCode code, string reason, int sequences);
}
