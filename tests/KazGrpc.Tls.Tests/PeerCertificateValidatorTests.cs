using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace KazGrpc.Tls.Tests;

public sealed class PeerCertificateValidatorTests : IDisposable
{
    private const string Source = "Tokenizer:Tls:CaPath (/etc/kazgrpc/ca.crt)";

    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("KazGrpc Test CA");
    private readonly TestCertificateAuthority _other = TestCertificateAuthority.Create("Another CA");

    private X509Certificate2Collection Trusted => [_ca.Certificate];

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("tokenizer-svc")]
    public void Validate_ServerCertificateNamingTheHost_Accepted(string host)
    {
        using var server = _ca.IssueServer("tokenizer-svc", ["localhost", "tokenizer-svc"], [IPAddress.Loopback]);

        Assert.Null(PeerCertificateValidator.Validate(server, null, Trusted, Source, PeerRole.Server, host, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Validate_CertificateOfAnotherCa_RefusedNamingTheTrustedCaSetting()
    {
        using var server = _other.IssueServer("tokenizer-svc");

        var reason = PeerCertificateValidator.Validate(server, null, Trusted, Source, PeerRole.Server, "127.0.0.1", DateTimeOffset.UtcNow);

        Assert.Equal($"the server's certificate {PemFiles.Describe(server)} is not issued by a CA in {Source}", reason);
    }

    [Fact]
    public void Validate_CertificateTrustedBySystemOnly_Refused()
    {
        // A self-signed certificate is its own root: trusted only if it is among the configured CAs.
        var client = _other.Certificate;

        var reason = PeerCertificateValidator.Validate(client, null, Trusted, Source, PeerRole.Client, null, DateTimeOffset.UtcNow);

        Assert.Contains("is not issued by a CA in", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExpiredCertificate_RefusedWithItsEndDate()
    {
        using var client = _ca.IssueClient("caller", DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(-1));

        var reason = PeerCertificateValidator.Validate(client, null, Trusted, Source, PeerRole.Client, null, DateTimeOffset.UtcNow);

        Assert.Equal($"the client's certificate {PemFiles.Describe(client)} expired on {client.NotAfter.ToUniversalTime():u}", reason);
    }

    [Fact]
    public void Validate_CertificateNotYetValid_RefusedWithItsStartDate()
    {
        using var client = _ca.IssueClient("caller", DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(2));

        var reason = PeerCertificateValidator.Validate(client, null, Trusted, Source, PeerRole.Client, null, DateTimeOffset.UtcNow);

        Assert.EndsWith($"is not valid before {client.NotBefore.ToUniversalTime():u}", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClientCertificateOfferedByAServer_RefusedForItsUsage()
    {
        using var client = _ca.IssueClient("caller");

        var reason = PeerCertificateValidator.Validate(client, null, Trusted, Source, PeerRole.Server, null, DateTimeOffset.UtcNow);

        Assert.EndsWith("is not valid for server authentication (extended key usage)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServerCertificateForAnotherHost_RefusedListingItsNames()
    {
        using var server = _ca.IssueServer("inference-svc", ["inference-svc"], [IPAddress.Parse("10.0.0.7")]);

        var reason = PeerCertificateValidator.Validate(server, null, Trusted, Source, PeerRole.Server, "127.0.0.1", DateTimeOffset.UtcNow);

        Assert.Equal($"the server's certificate {PemFiles.Describe(server)} does not name '127.0.0.1'; it names DNS:inference-svc, IP:10.0.0.7", reason);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
    }
}
