namespace KazGrpc.Core;

/// <summary>The caller's deadline (or the service's queue timeout) passed before the work could
/// run; maps to DEADLINE_EXCEEDED. The work was not started.</summary>
public sealed class DeadlineExceededException(string message) : KazGrpcException(message);
