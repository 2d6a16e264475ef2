using KazGrpc.Tls;

namespace KazGrpc.Client;

/// <summary>
/// TLS of a client's connections (<c>Tokenizer:Tls</c> for inference-svc's hop to tokenizer-svc,
/// <c>KazGrpc:Tls</c> for callers): which CA to trust for the server and which certificate, if any,
/// to present for mutual TLS. Files are PEM and are read again when they change, so new connections
/// use the new ones. Everything is empty by default.
/// </summary>
public sealed class ClientTlsOptions
{
    /// <summary>Section name under the client's own section.</summary>
    public const string SectionName = "Tls";

    /// <summary>The CAs that issue the server's certificate, PEM; then they are the only ones trusted
    /// for it (the system's roots are not), and its validity dates and host names are checked.
    /// Default empty: the system's trusted roots verify the server.</summary>
    public string CaPath { get; set; } = string.Empty;

    /// <summary>The client certificate chain to present (mutual TLS), PEM: the certificate first, then
    /// any intermediates. Default empty: none is presented.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>The client certificate's private key, PEM (PKCS#8, RSA or EC; unencrypted). Default
    /// empty: the key follows the certificates in <see cref="CertificatePath"/>.</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>How often the files are checked for changes besides the file watcher's events. Default 30 s.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when a CA or a client certificate is configured.</summary>
    public bool IsConfigured => CaPath.Length > 0 || CertificatePath.Length > 0;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting (under <paramref name="prefix"/>,
    /// e.g. <c>Tokenizer:Tls</c>) and the file when settings contradict each other or a file does not load.</summary>
    public void Validate(string prefix)
    {
        if (KeyPath.Length > 0 && CertificatePath.Length == 0)
        {
            throw new InvalidOperationException($"{prefix}:{nameof(KeyPath)} is set but {prefix}:{nameof(CertificatePath)} is empty; set the client certificate's PEM file too");
        }

        if (ReloadInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{prefix}:{nameof(ReloadInterval)} must be positive; got {ReloadInterval}");
        }

        // Loading them now makes a bad file fail start-up with its setting's name, not the first call.
        if (CertificateFile(prefix) is { } certificate)
        {
            var key = KeyFile(prefix)!;
            _ = PemFiles.ParseCertificate(certificate, ReadText(certificate), key, ReadText(key));
        }

        if (CaFile(prefix) is { } ca)
        {
            _ = PemFiles.ParseAuthorities(ca, ReadText(ca));
        }
    }

    internal TlsFile? CaFile(string prefix) => CaPath.Length > 0 ? new TlsFile($"{prefix}:{nameof(CaPath)}", CaPath) : null;

    internal TlsFile? CertificateFile(string prefix) => CertificatePath.Length > 0 ? new TlsFile($"{prefix}:{nameof(CertificatePath)}", CertificatePath) : null;

    internal TlsFile? KeyFile(string prefix) =>
        CertificatePath.Length > 0 ? new TlsFile($"{prefix}:{nameof(KeyPath)}", KeyPath.Length > 0 ? KeyPath : CertificatePath) : null;

    private static string ReadText(TlsFile file) => System.Text.Encoding.UTF8.GetString(PemFiles.Read(file));
}
