using Grpc.Core;

namespace KazGrpc.Tools.Cli;

/// <summary>Tells a call whose TLS handshake failed from one that found no server, and says why in a line.</summary>
internal static class HandshakeFailure
{
    /// <summary>
    /// Why the TLS handshake of <paramref name="exception"/>'s call failed: the SDK's reason (a server
    /// certificate it does not trust, a client certificate the server refused) or the system's; null
    /// when the call failed otherwise.
    /// </summary>
    public static string? Reason(RpcException exception)
    {
        for (var e = exception.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } failed)
            {
                // The outer exception says that the connection failed; the one inside says why, unless
                // it too points further in ("Authentication failed, see inner exception.").
                var reason = failed.InnerException ?? failed;
                while (reason.InnerException is { } inner && reason.Message.Contains("inner exception", StringComparison.Ordinal))
                {
                    reason = inner;
                }

                return reason.Message.ReplaceLineEndings(" ");
            }
        }

        return null;
    }
}
