using System.Net.Sockets;
using KazGrpc.Tls;

namespace KazGrpc.Client;

/// <summary>
/// Says why a connection that a server closed right after the TLS handshake failed. Under TLS 1.3 a
/// client has finished its handshake before the server has judged the client's certificate, so a
/// refusal reaches the client only as the connection closing before the HTTP/2 exchange ("the server
/// did not complete the HTTP/2 handshake"), and grpc-dotnet reports that as INTERNAL or UNAVAILABLE
/// by chance of timing. This handler rewrites such failures in the shape of any failed handshake:
/// <see cref="HttpRequestError.SecureConnectionError"/>, with the reason inside (an
/// <see cref="IOException"/> naming the certificate the client presented and its setting), so that
/// the call fails with UNAVAILABLE, as gRPC reports failed handshakes, and callers can tell it from
/// an unreachable server. Failures with a socket error (refused, reset) and failed TLS handshakes
/// keep their own words.
/// </summary>
internal sealed class HandshakeRefusalHandler : DelegatingHandler
{
    private readonly ClientTls _tls;

    public HandshakeRefusalHandler(ClientTls tls, HttpMessageHandler inner)
        : base(inner) => _tls = tls;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested && ClosedAfterHandshake(ex))
        {
            var presented = _tls.Material.Certificate is { } certificate
                ? $"this client presented {PemFiles.Describe(certificate.Certificate)} from {certificate.Source}"
                : $"this client presented none ({_tls.NoCertificate})";
            throw new HttpRequestException(
                HttpRequestError.SecureConnectionError,
                ex.Message,
                new IOException(
                    $"{request.RequestUri?.Authority} closed the connection right after the TLS handshake, as a server that requires client certificates does when it refuses one; {presented}",
                    ex.InnerException));
        }
    }

    private static bool ClosedAfterHandshake(HttpRequestException exception)
    {
        if (exception.HttpRequestError is not (HttpRequestError.Unknown or HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded))
        {
            return false;
        }

        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException)
            {
                return false;
            }
        }

        return true;
    }
}
