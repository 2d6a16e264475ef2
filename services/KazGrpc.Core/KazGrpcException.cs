namespace KazGrpc.Core;

/// <summary>
/// Base of the closed set of domain errors: validation, not found, already exists, overloaded (a
/// queue or a caller's quota), deadline, not ready, execution failure, and the caller's identity
/// (unauthenticated, permission denied). Hosts map each subclass to one transport status in
/// exactly one place; libraries throw them and never see the transport.
/// </summary>
public abstract class KazGrpcException : Exception
{
    private protected KazGrpcException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
