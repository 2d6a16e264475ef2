using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace KazGrpc.Testing;

/// <summary>
/// gRPC channels and HTTP handlers for tests against hosts that speak TLS, independent of the
/// product's own TLS code: the server is trusted when its chain ends at the test's CA, and the
/// test can see each certificate a new connection is shown.
/// </summary>
public static class TestTlsChannel
{
    /// <summary>Opens a channel to <paramref name="address"/> that trusts <paramref name="ca"/> alone and
    /// presents <paramref name="clientCertificate"/> when given; <paramref name="seen"/> receives the
    /// server's certificate of every new connection.</summary>
    public static GrpcChannel Open(Uri address, X509Certificate2 ca, X509Certificate2? clientCertificate = null, Action<X509Certificate2>? seen = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Handler(ca, clientCertificate, seen) });

    /// <summary>A handler for HTTP/1.1 or gRPC calls, as <see cref="Open"/> describes.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2 ca, X509Certificate2? clientCertificate = null, Action<X509Certificate2>? seen = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not X509Certificate2 server)
                    {
                        return false;
                    }

                    seen?.Invoke(server);
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(server);
                },
            },
        };
    }
}
