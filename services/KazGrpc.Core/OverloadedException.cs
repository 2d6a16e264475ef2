namespace KazGrpc.Core;

/// <summary>A queue or limit is full, or a caller is over its quota; maps to RESOURCE_EXHAUSTED with a retry hint.</summary>
/// <param name="message">What is full, with its limit.</param>
/// <param name="retryAfter">When a retry may succeed.</param>
public sealed class OverloadedException(string message, TimeSpan retryAfter) : KazGrpcException(message)
{
    /// <summary>When a retry may succeed.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
