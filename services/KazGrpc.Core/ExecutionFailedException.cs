namespace KazGrpc.Core;

/// <summary>Work was accepted but failed while running (e.g. a model execution error); maps to INTERNAL
/// with the reason, which must not contain request text.</summary>
public sealed class ExecutionFailedException(string message, Exception? inner = null) : KazGrpcException(message, inner);
