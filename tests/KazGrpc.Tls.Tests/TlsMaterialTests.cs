using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Tls.Tests;

public sealed class TlsMaterialTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _files = new();
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("KazGrpc Test CA");
    private readonly FakeLogger _logger = new();

    [Fact]
    public void Constructor_MissingKey_FailsNamingTheSettingAndTheFile()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, _) = TestCertificateAuthority.WritePem(server, _files.Path, "server");
        var keyPath = _files.Combine("absent.key");

        var error = Assert.Throws<InvalidOperationException>(() => new TlsMaterial(
            new TlsFile("Hosting:Tls:CertificatePath", certificatePath), new TlsFile("Hosting:Tls:KeyPath", keyPath), null, Interval, TimeProvider.System, _logger));

        Assert.Equal($"Hosting:Tls:KeyPath: the file '{keyPath}' does not exist", error.Message);
    }

    [Fact]
    public void PeriodicCheck_FilesReplaced_NewCertificateAndCaInUseAndLoggedWithoutKeyMaterial()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var first = _ca.IssueServer("tokenizer-svc");
        using var material = Create(first, time);
        Assert.Equal(first.SerialNumber, material.Certificate!.Certificate.SerialNumber);

        using var next = TestCertificateAuthority.Create("KazGrpc Test CA 2");
        using var second = next.IssueServer("tokenizer-svc");
        Write(second, next);
        time.Advance(Interval);

        Assert.Equal(second.SerialNumber, material.Certificate!.Certificate.SerialNumber);
        Assert.Equal(next.Certificate.Thumbprint, Assert.Single(material.Authorities!).Thumbprint);
        Assert.Equal(2, material.Version);
        var reloaded = _logger.Collector.GetSnapshot().Where(r => r.Message.StartsWith("TLS certificate reloaded from", StringComparison.Ordinal)).ToList();
        var entry = Assert.Single(reloaded);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains($"serial {second.SerialNumber}", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Message.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void PeriodicCheck_UnchangedFiles_NothingReloaded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var server = _ca.IssueServer("tokenizer-svc");
        using var material = Create(server, time);
        var loaded = material.Certificate;

        time.Advance(Interval * 3);

        Assert.Same(loaded, material.Certificate);
        Assert.Equal(0, material.Version);
    }

    [Fact]
    public void PeriodicCheck_CertificateWithoutItsNewKeyYet_KeepsTheCurrentAndWarnsOnceThenTakesBoth()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var first = _ca.IssueServer("tokenizer-svc");
        using var material = Create(first, time);
        using var second = _ca.IssueServer("tokenizer-svc");
        var (certificatePath, keyPath) = TestCertificateAuthority.WritePem(second, _files.Path, "staged");
        File.Copy(certificatePath, _files.Combine("server.crt"), overwrite: true);

        time.Advance(Interval);
        time.Advance(Interval);

        Assert.Equal(first.SerialNumber, material.Certificate!.Certificate.SerialNumber);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Hosting:Tls:KeyPath: the private key in", warning.Message, StringComparison.Ordinal);
        Assert.Null(warning.Exception);

        File.Copy(keyPath, _files.Combine("server.key"), overwrite: true);
        time.Advance(Interval);

        Assert.Equal(second.SerialNumber, material.Certificate!.Certificate.SerialNumber);
    }

    [Fact]
    public async Task Watcher_FileRenamedOverTheOld_ReloadedWithoutWaitingForThePeriodicCheck()
    {
        using var first = _ca.IssueServer("tokenizer-svc");
        using var material = Create(first, TimeProvider.System, TimeSpan.FromHours(1));
        using var second = _ca.IssueServer("tokenizer-svc");

        // As an editor saves: a temporary file, then a rename over the old one.
        TestCertificateAuthority.WritePem(second, _files.Path, "server");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (material.Certificate!.Certificate.SerialNumber != second.SerialNumber)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    private TlsMaterial Create(System.Security.Cryptography.X509Certificates.X509Certificate2 server, TimeProvider time, TimeSpan? interval = null)
    {
        Write(server, _ca);
        return new TlsMaterial(
            new TlsFile("Hosting:Tls:CertificatePath", _files.Combine("server.crt")),
            new TlsFile("Hosting:Tls:KeyPath", _files.Combine("server.key")),
            new TlsFile("Hosting:Tls:ClientCaPath", _files.Combine("ca.crt")),
            interval ?? Interval,
            time,
            _logger);
    }

    private void Write(System.Security.Cryptography.X509Certificates.X509Certificate2 server, TestCertificateAuthority ca)
    {
        TestCertificateAuthority.WritePem(server, _files.Path, "server");
        ca.WriteCertificate(_files.Combine("ca.crt"));
    }
}
