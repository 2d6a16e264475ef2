using KazGrpc.Tls;

namespace KazGrpc.Hosting;

/// <summary>
/// TLS on a host's gRPC and HTTP API endpoints (section <c>Hosting:Tls</c>; environment variables
/// <c>Hosting__Tls__CertificatePath</c> and so on). Off by default: the endpoints speak cleartext
/// until <see cref="CertificatePath"/> is set. Files are PEM and are read again when they change.
/// </summary>
public sealed class ServerTlsOptions
{
    /// <summary>Section name under <c>Hosting</c>.</summary>
    public const string SectionName = "Tls";

    private const string Prefix = $"{HostingOptions.SectionName}:{SectionName}";

    /// <summary>The server's certificate chain, PEM: its certificate first, then any intermediates.
    /// Default empty: no TLS.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>The certificate's private key, PEM (PKCS#8, RSA or EC; unencrypted). Default empty: the
    /// key follows the certificates in <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>Whether callers must present a client certificate issued by a CA in
    /// <see cref="ClientCaPath"/>: <c>None</c>, <c>Allow</c> (checked when sent) or <c>Require</c>
    /// (mutual TLS). Default <c>None</c>.</summary>
    public ClientCertificatePolicy ClientCertificateMode { get; set; } = ClientCertificatePolicy.None;

    /// <summary>The CAs that issue client certificates, PEM; the only ones trusted for them. Required
    /// when <see cref="ClientCertificateMode"/> is not <c>None</c>. Default empty.</summary>
    public string ClientCaPath { get; set; } = string.Empty;

    /// <summary>The metrics endpoint uses TLS too, with the same certificate and client-certificate
    /// mode. Default false: <c>/metrics</c> stays cleartext for scrapers inside the trust boundary.</summary>
    public bool SecureMetrics { get; set; }

    /// <summary>How often the files are checked for changes besides the file watcher's events (which
    /// some volumes never raise). Default 30 s.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the endpoints use TLS.</summary>
    public bool Enabled => CertificatePath.Length > 0;

    /// <summary>The certificate's file and setting; null when TLS is off.</summary>
    public TlsFile? CertificateFile => Enabled ? new TlsFile($"{Prefix}:{nameof(CertificatePath)}", CertificatePath) : null;

    /// <summary>The key's file and setting (the certificate's file when <see cref="KeyPath"/> is empty); null when TLS is off.</summary>
    public TlsFile? KeyFile => Enabled ? new TlsFile($"{Prefix}:{nameof(KeyPath)}", KeyPath.Length > 0 ? KeyPath : CertificatePath) : null;

    /// <summary>The client CA bundle's file and setting; null when client certificates are not asked for.</summary>
    public TlsFile? ClientCaFile => Enabled && ClientCertificateMode != ClientCertificatePolicy.None ? new TlsFile($"{Prefix}:{nameof(ClientCaPath)}", ClientCaPath) : null;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting (and the file) when the
    /// settings contradict each other or a file is missing or does not load; called at start-up.</summary>
    public void Validate()
    {
        if (!Enabled)
        {
            if (KeyPath.Length > 0 || ClientCaPath.Length > 0 || ClientCertificateMode != ClientCertificatePolicy.None || SecureMetrics)
            {
                throw new InvalidOperationException(
                    $"{Prefix}:{nameof(CertificatePath)} is empty (TLS off) but other {Prefix} settings are set; set it to the server certificate's PEM file, or clear them");
            }

            return;
        }

        if (ReloadInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Prefix}:{nameof(ReloadInterval)} must be positive; got {ReloadInterval}");
        }

        if (ClientCertificateMode != ClientCertificatePolicy.None && ClientCaPath.Length == 0)
        {
            throw new InvalidOperationException(
                $"{Prefix}:{nameof(ClientCaPath)} is required when {Prefix}:{nameof(ClientCertificateMode)} is {ClientCertificateMode}: client certificates are checked against those CAs only");
        }

        if (ClientCertificateMode == ClientCertificatePolicy.None && ClientCaPath.Length > 0)
        {
            throw new InvalidOperationException(
                $"{Prefix}:{nameof(ClientCaPath)} is set but {Prefix}:{nameof(ClientCertificateMode)} is None, so no client certificate is asked for; set it to Allow or Require");
        }

        // Loading them now makes a bad file fail start-up with its setting's name, not the first handshake.
        var certificate = CertificateFile!;
        var key = KeyFile!;
        _ = PemFiles.ParseCertificate(certificate, ReadText(certificate), key, ReadText(key));
        if (ClientCaFile is { } ca)
        {
            _ = PemFiles.ParseAuthorities(ca, ReadText(ca));
        }
    }

    private static string ReadText(TlsFile file) => System.Text.Encoding.UTF8.GetString(PemFiles.Read(file));
}
