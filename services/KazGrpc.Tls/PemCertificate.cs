using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KazGrpc.Tls;

/// <summary>
/// A certificate with its private key and the intermediates to send with it, as read from PEM
/// files at one moment. Immutable: a reload makes a new one, and handshakes already holding this
/// one finish with it (it is left to the garbage collector, not disposed, for that reason).
/// </summary>
public sealed class PemCertificate
{
    private SslStreamCertificateContext? _serverContext;

    internal PemCertificate(X509Certificate2 certificate, X509Certificate2Collection chain, TlsFile source)
    {
        Certificate = certificate;
        Chain = chain;
        Source = source;
    }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The intermediates that followed it in its file (empty when the CA issued it directly).</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>Where it was read from.</summary>
    public TlsFile Source { get; }

    /// <summary>The certificate and its intermediates as a server presents them, built once on first use
    /// (offline: nothing is downloaded).</summary>
    public SslStreamCertificateContext ServerContext =>
        _serverContext ??= SslStreamCertificateContext.Create(Certificate, Chain, offline: true);
}
