using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KazGrpc.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

/// <summary>
/// The TLS side of a host's endpoints (<see cref="ServerTlsOptions"/>): each handshake gets the
/// certificate and client CAs loaded now, so that replaced files take effect for new connections
/// without a restart. Client certificates are checked against the configured CAs alone, with their
/// validity dates; a refused one is logged once per handshake at Debug, with the reason and no
/// stack trace. Disposed with the host.
/// </summary>
public sealed class ServerTls : IDisposable
{
    private readonly ClientCertificatePolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<ServerTls> _logger;

    /// <summary>Loads the files of <paramref name="options"/> and starts watching them.</summary>
    /// <exception cref="InvalidOperationException">A file is missing or does not load; the message names its setting and the file.</exception>
    public ServerTls(ServerTlsOptions options, TimeProvider time, ILogger<ServerTls> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            throw new InvalidOperationException($"{HostingOptions.SectionName}:{ServerTlsOptions.SectionName}:{nameof(ServerTlsOptions.CertificatePath)} is not set");
        }

        _policy = options.ClientCertificateMode;
        _time = time;
        _logger = logger;
        Material = new TlsMaterial(options.CertificateFile, options.KeyFile, options.ClientCaFile, options.ReloadInterval, time, logger);
    }

    /// <summary>The certificate and client CAs in use now.</summary>
    public TlsMaterial Material { get; }

    /// <summary>Kestrel's per-connection TLS options (<c>ListenOptions.UseHttps</c>); Kestrel adds ALPN for the endpoint's protocols.</summary>
    public TlsHandshakeCallbackOptions HandshakeOptions() => new()
    {
        OnConnection = context =>
        {
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = Material.Certificate!.ServerContext,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            if (_policy != ClientCertificatePolicy.None)
            {
                var remote = context.Connection.RemoteEndPoint;
                options.ClientCertificateRequired = true;
                options.RemoteCertificateValidationCallback = (_, certificate, chain, _) => ValidateClient(certificate, chain, remote);

                // A resumed session skips the client certificate: with resumption off, every
                // connection's certificate is checked against the CAs and the clock of now.
                options.AllowTlsResume = false;
            }

            return ValueTask.FromResult(options);
        },
    };

    /// <inheritdoc />
    public void Dispose() => Material.Dispose();

    private bool ValidateClient(X509Certificate? certificate, X509Chain? chain, EndPoint? remote)
    {
        if (certificate is null)
        {
            if (_policy == ClientCertificatePolicy.Allow)
            {
                return true;
            }

            HostingLog.HandshakeRefused(_logger, remote?.ToString() ?? "an unknown address", "no client certificate was presented");
            return false;
        }

        using var owned = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
        var reason = PeerCertificateValidator.Validate(
            owned ?? (X509Certificate2)certificate, chain, Material.Authorities!, Material.AuthoritiesFile!.ToString(), PeerRole.Client, hostName: null, _time.GetUtcNow());
        if (reason is null)
        {
            return true;
        }

        HostingLog.HandshakeRefused(_logger, remote?.ToString() ?? "an unknown address", reason);
        return false;
    }
}
