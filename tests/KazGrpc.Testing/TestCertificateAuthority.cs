using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KazGrpc.Testing;

/// <summary>
/// A CA made in the test with .NET's <see cref="CertificateRequest"/> (ECDSA P-256), issuing server
/// and client certificates whose names, usages and validity the test chooses, so that expiry and
/// foreign CAs are under its control. Certificates carry their private keys.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private TestCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA's self-signed certificate, with its key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a CA named <paramref name="name"/>, valid from 30 days ago for a year unless told otherwise (an issued certificate must fit in it).</summary>
    public static TestCertificateAuthority Create(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return new TestCertificateAuthority(request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-30), notAfter ?? DateTimeOffset.UtcNow.AddYears(1)));
    }

    /// <summary>Issues a server certificate (server authentication) for <paramref name="dnsNames"/> and
    /// <paramref name="addresses"/>; by default 127.0.0.1 and localhost.</summary>
    public X509Certificate2 IssueServer(
        string name, IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames ?? ["localhost"])
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses ?? [IPAddress.Loopback])
        {
            names.AddIpAddress(address);
        }

        return Issue(name, "1.3.6.1.5.5.7.3.1", names.Build(), notBefore, notAfter);
    }

    /// <summary>Issues a client certificate (client authentication) for <paramref name="name"/>.</summary>
    public X509Certificate2 IssueClient(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue(name, "1.3.6.1.5.5.7.3.2", null, notBefore, notAfter);

    /// <summary>Writes the CA's certificate as PEM to <paramref name="path"/> (a CA bundle of one) and returns the path.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>
    /// Writes <paramref name="certificate"/> and its key as PEM files <c>name.crt</c> and <c>name.key</c>
    /// in <paramref name="directory"/>, each through a temporary file renamed over the old one (as
    /// editors and secret volumes replace files), and returns their paths.
    /// </summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        Replace(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        Replace(certificatePath, certificate.ExportCertificatePem() + "\n");
        return (certificatePath, keyPath);
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string name, string usage, X509Extension? subjectAlternativeNames, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (subjectAlternativeNames is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeNames);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, notBefore ?? DateTimeOffset.UtcNow.AddHours(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static void Replace(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
