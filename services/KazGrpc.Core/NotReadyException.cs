namespace KazGrpc.Core;

/// <summary>The service or a dependency cannot serve now (loading, dependency down); maps to UNAVAILABLE.</summary>
public sealed class NotReadyException(string message, Exception? inner = null) : KazGrpcException(message, inner);
