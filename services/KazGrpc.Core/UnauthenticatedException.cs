namespace KazGrpc.Core;

/// <summary>The call carries no credential, or one that is not valid (unknown or revoked API key,
/// expired or badly signed token); maps to UNAUTHENTICATED. The message says which, never the credential.</summary>
public sealed class UnauthenticatedException(string message) : KazGrpcException(message);
