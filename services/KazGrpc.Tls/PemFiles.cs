using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KazGrpc.Tls;

/// <summary>
/// Reads and parses the PEM files of TLS settings. Every error is an
/// <see cref="InvalidOperationException"/> whose message names the setting and the file, because it
/// is what an operator sees when a service refuses to start or keeps its old certificate.
/// </summary>
public static class PemFiles
{
    /// <summary>Reads <paramref name="file"/> whole.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or cannot be read.</exception>
    public static byte[] Read(TlsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return File.ReadAllBytes(file.Path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException($"{file.Setting}: the file '{file.Path}' does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{file.Setting}: the file '{file.Path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Parses a certificate chain (the certificate first, then any intermediates) and its private key.
    /// </summary>
    /// <param name="certificate">Where the chain came from.</param>
    /// <param name="certificatePem">The chain's PEM text.</param>
    /// <param name="key">Where the key came from; the certificate's own file when it holds both.</param>
    /// <param name="keyPem">The key's PEM text (PKCS#8, RSA or EC; unencrypted).</param>
    /// <exception cref="InvalidOperationException">No certificate, no usable key, or a key that does not belong to the certificate.</exception>
    public static PemCertificate ParseCertificate(TlsFile certificate, string certificatePem, TlsFile key, string keyPem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        var all = ParseCertificates(certificate, certificatePem);
        if (keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{key.Setting}: the private key in '{key.Path}' is encrypted; give it unencrypted (file permissions protect it)");
        }

        if (!keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{key.Setting}: '{key.Path}' holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // A key of another certificate: ArgumentException for EC keys, CryptographicException for RSA.
            throw new InvalidOperationException(
                $"{key.Setting}: the private key in '{key.Path}' does not belong to the certificate in '{certificate.Path}' ({certificate.Setting}), or cannot be read: {ex.Message}", ex);
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use the ephemeral key that a PEM import creates; a PKCS#12 round trip persists it.
            using var ephemeral = leaf;
            leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
        }

        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }

        all[0].Dispose();
        return new PemCertificate(leaf, chain, certificate);
    }

    /// <summary>Parses a bundle of CA certificates, the trust anchors that peers must chain to.</summary>
    /// <exception cref="InvalidOperationException">The text holds no certificate or a malformed one.</exception>
    public static X509Certificate2Collection ParseAuthorities(TlsFile file, string pem) => ParseCertificates(file, pem);

    /// <summary>Says who a certificate is for logs and errors: subject, serial number, thumbprint and
    /// validity. Never key material.</summary>
    public static string Describe(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return $"'{certificate.Subject}' (serial {certificate.SerialNumber}, SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}, "
            + $"valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})";
    }

    private static X509Certificate2Collection ParseCertificates(TlsFile file, string pem)
    {
        ArgumentNullException.ThrowIfNull(file);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{file.Setting}: '{file.Path}' holds a malformed PEM certificate: {ex.Message}", ex);
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"{file.Setting}: '{file.Path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
}
