using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KazGrpc.Tls.Tests;

public sealed class PemFilesTests : IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("KazGrpc Test CA");

    [Fact]
    public void Read_MissingFile_NamesTheSettingAndTheFile()
    {
        var path = _files.Combine("absent.crt");

        var error = Assert.Throws<InvalidOperationException>(() => PemFiles.Read(new TlsFile("Hosting:Tls:CertificatePath", path)));

        Assert.Equal($"Hosting:Tls:CertificatePath: the file '{path}' does not exist", error.Message);
    }

    [Fact]
    public void ParseCertificate_CertificateWithItsKey_LoadsWithTheKey()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, keyPath) = TestCertificateAuthority.WritePem(server, _files.Path, "server");

        var loaded = Parse(certificatePath, keyPath);

        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal(server.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Empty(loaded.Chain);
    }

    [Fact]
    public void ParseCertificate_ChainAndKeyInOneFile_LoadsTheIntermediates()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, keyPath) = TestCertificateAuthority.WritePem(server, _files.Path, "server");
        var combined = _files.Combine("combined.pem");
        File.WriteAllText(combined, File.ReadAllText(certificatePath) + _ca.Certificate.ExportCertificatePem() + "\n" + File.ReadAllText(keyPath));

        var loaded = Parse(combined, combined);

        Assert.Equal(server.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Equal(_ca.Certificate.Thumbprint, Assert.Single(loaded.Chain).Thumbprint);
    }

    [Fact]
    public void ParseCertificate_KeyOfAnotherCertificate_NamesBothSettingsAndFiles()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        using var other = _ca.IssueServer("inference-svc");
        var (certificatePath, _) = TestCertificateAuthority.WritePem(server, _files.Path, "server");
        var (_, otherKeyPath) = TestCertificateAuthority.WritePem(other, _files.Path, "other");

        var error = Assert.Throws<InvalidOperationException>(() => Parse(certificatePath, otherKeyPath));

        Assert.StartsWith(
            $"Hosting:Tls:KeyPath: the private key in '{otherKeyPath}' does not belong to the certificate in '{certificatePath}' (Hosting:Tls:CertificatePath)",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCertificate_NoKeyInTheFile_SaysSo()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, _) = TestCertificateAuthority.WritePem(server, _files.Path, "server");

        var error = Assert.Throws<InvalidOperationException>(() => Parse(certificatePath, certificatePath));

        Assert.Equal($"Hosting:Tls:KeyPath: '{certificatePath}' holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)", error.Message);
    }

    [Fact]
    public void ParseCertificate_EncryptedKey_SaysItMustBeUnencrypted()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, keyPath) = TestCertificateAuthority.WritePem(server, _files.Path, "server");
        using var key = server.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));

        var error = Assert.Throws<InvalidOperationException>(() => Parse(certificatePath, keyPath));

        Assert.Equal($"Hosting:Tls:KeyPath: the private key in '{keyPath}' is encrypted; give it unencrypted (file permissions protect it)", error.Message);
    }

    [Fact]
    public void ParseAuthorities_NoCertificate_NamesTheSettingAndTheFile()
    {
        var path = _files.Combine("ca.crt");
        File.WriteAllText(path, "not a certificate\n");

        var error = Assert.Throws<InvalidOperationException>(() => PemFiles.ParseAuthorities(new TlsFile("Tokenizer:Tls:CaPath", path), File.ReadAllText(path)));

        Assert.Equal($"Tokenizer:Tls:CaPath: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", error.Message);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    private static PemCertificate Parse(string certificatePath, string keyPath) => PemFiles.ParseCertificate(
        new TlsFile("Hosting:Tls:CertificatePath", certificatePath), File.ReadAllText(certificatePath), new TlsFile("Hosting:Tls:KeyPath", keyPath), File.ReadAllText(keyPath));
}
