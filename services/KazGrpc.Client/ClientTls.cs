using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KazGrpc.Tls;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Client;

/// <summary>
/// The TLS side of a client's connections (<see cref="ClientTlsOptions"/>): each new connection
/// checks the server against the CAs loaded now and presents the client certificate loaded now, so
/// replaced files take effect without a restart (connections already open keep theirs). A refused
/// server certificate fails the handshake with the reason, which reaches the caller inside the
/// UNAVAILABLE status. Owned and disposed by the client that created it.
/// </summary>
internal sealed class ClientTls : IDisposable
{
    private readonly TimeProvider _time;

    private ClientTls(TlsFile? ca, TlsFile? certificate, TlsFile? key, string noCertificate, TimeSpan reloadInterval, TimeProvider time, ILogger logger)
    {
        _time = time;
        NoCertificate = noCertificate;
        Material = new TlsMaterial(certificate, key, ca, reloadInterval, time, logger);
    }

    /// <summary>The CA and client certificate in use now.</summary>
    public TlsMaterial Material { get; }

    /// <summary>Why no client certificate is presented, for messages: <c>KazGrpc:Tls:CertificatePath is empty</c>.</summary>
    public string NoCertificate { get; }

    /// <summary>A client TLS for <paramref name="options"/>; null when nothing is configured (the system's roots, no client certificate).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="prefix">Their section, for messages (e.g. <c>Tokenizer:Tls</c>).</param>
    /// <param name="time">The clock that validity is judged by.</param>
    /// <param name="logger">Where loads and reloads are logged.</param>
    public static ClientTls? Create(ClientTlsOptions options, string prefix, TimeProvider time, ILogger logger) =>
        options.IsConfigured
            ? new ClientTls(
                options.CaFile(prefix), options.CertificateFile(prefix), options.KeyFile(prefix),
                $"{prefix}:{nameof(ClientTlsOptions.CertificatePath)} is empty", options.ReloadInterval, time, logger)
            : null;

    /// <summary>
    /// A client TLS over files that the caller names in its own terms (the kazgrpc CLI's options and
    /// variables), made even when none is given, so that a refused client certificate is explained.
    /// </summary>
    /// <param name="ca">The CAs to trust for the server, alone; null: the system's roots.</param>
    /// <param name="certificate">The client certificate chain; null: none is presented.</param>
    /// <param name="key">Its private key; null: in <paramref name="certificate"/>'s file.</param>
    /// <param name="noCertificate">Why none is presented when <paramref name="certificate"/> is null, for messages.</param>
    /// <param name="time">The clock that validity is judged by.</param>
    /// <param name="logger">Where loads are logged.</param>
    /// <exception cref="InvalidOperationException">A file is missing or does not load; the message names its setting and the file.</exception>
    public static ClientTls Create(TlsFile? ca, TlsFile? certificate, TlsFile? key, string noCertificate, TimeProvider time, ILogger logger) =>
        new(ca, certificate, key, noCertificate, new ClientTlsOptions().ReloadInterval, time, logger);

    /// <summary>Gives <paramref name="handler"/>'s new connections this TLS and returns the handler a
    /// channel should use: <paramref name="handler"/> inside one that explains refused client certificates.</summary>
    public HttpMessageHandler Apply(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions = SslOptions();
        return new HandshakeRefusalHandler(this, handler);
    }

    private SslClientAuthenticationOptions SslOptions() => new()
    {
        RemoteCertificateValidationCallback = Material.Authorities is null ? null : ValidateServer,
        LocalCertificateSelectionCallback = Material.Certificate is null ? null : (_, _, _, _, _) => Material.Certificate!.Certificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <inheritdoc />
    public void Dispose() => Material.Dispose();

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            throw new IOException("TLS handshake refused: the server presented no certificate");
        }

        using var owned = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
        var reason = PeerCertificateValidator.Validate(
            owned ?? (X509Certificate2)certificate, chain, Material.Authorities!, Material.AuthoritiesFile!.ToString(), PeerRole.Server,
            (sender as SslStream)?.TargetHostName, _time.GetUtcNow());

        // Thrown rather than returned false, so that the reason travels in the handshake's exception to
        // the caller's status ("rejected by the validation callback" alone would not say why). An
        // IOException, because grpc-dotnet reports a connection with an IOException in its failure as
        // UNAVAILABLE, as gRPC reports failed handshakes; an AuthenticationException alone becomes INTERNAL.
        return reason is null ? true : throw new IOException($"TLS handshake refused: {reason}");
    }
}
