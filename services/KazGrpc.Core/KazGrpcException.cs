namespace KazGrpc.Core;

/// <summary>
/// Base of the closed set of domain errors. Hosts map each subclass to one transport status in
/// exactly one place; libraries throw them and never see the transport.
/// </summary>
public abstract class KazGrpcException : Exception
{
    private protected KazGrpcException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
