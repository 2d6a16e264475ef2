using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using KazGrpc.TokenizerSvc.Testing;

namespace KazGrpc.Tools.Tests.Cli;

/// <summary>
/// Two tokenizer-svcs on certificates made in the test, serving the built-in encodings: one with TLS,
/// one requiring mutual TLS with client certificates from the same CA; and the PEM files a caller
/// gives the CLI. A CA of another name issues nothing either trusts.
/// </summary>
public sealed class TlsTokenizerFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private LoopbackHost? _tls;
    private LoopbackHost? _mutualTls;
    private X509Certificate2? _caller;

    public TempDirectory Files { get; } = new();

    public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create("KazGrpc CLI Test CA");

    public TestCertificateAuthority OtherCa { get; } = TestCertificateAuthority.Create("Another CA");

    public string CaPath => Files.Combine("ca.crt");

    public string OtherCaPath => Files.Combine("other-ca.crt");

    /// <summary>A caller's client certificate and key, issued by <see cref="Ca"/>.</summary>
    public (string Certificate, string Key) CallerFiles { get; private set; }

    /// <summary>The TLS host's gRPC address, https://127.0.0.1:PORT.</summary>
    public string TlsAddress => (_tls ?? throw new InvalidOperationException("the fixture has not started")).GrpcAddress.ToString();

    /// <summary>The mutual TLS host's gRPC address, https://127.0.0.1:PORT.</summary>
    public string MutualTlsAddress => (_mutualTls ?? throw new InvalidOperationException("the fixture has not started")).GrpcAddress.ToString();

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        Ca.WriteCertificate(CaPath);
        OtherCa.WriteCertificate(OtherCaPath);
        using var server = Ca.IssueServer("tokenizer-svc");
        _caller = Ca.IssueClient("caller");
        var serverFiles = TestCertificateAuthority.WritePem(server, Files.Path, "tokenizer-svc");
        CallerFiles = TestCertificateAuthority.WritePem(_caller, Files.Path, "caller");
        string[] tls = [$"--Hosting:Tls:CertificatePath={serverFiles.Certificate}", $"--Hosting:Tls:KeyPath={serverFiles.Key}"];

        var starting = new[]
        {
            TokenizerHost.StartAsync(_models.Path, tls, address => TestTlsChannel.Open(address, Ca.Certificate), token),
            TokenizerHost.StartAsync(
                _models.Path,
                [.. tls, "--Hosting:Tls:ClientCertificateMode=Require", $"--Hosting:Tls:ClientCaPath={CaPath}"],
                address => TestTlsChannel.Open(address, Ca.Certificate, _caller),
                token),
        };
        var hosts = await Task.WhenAll(starting);
        (_tls, _mutualTls) = (hosts[0], hosts[1]);
        await Task.WhenAll(hosts.Select(h => h.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), token)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { _tls, _mutualTls })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        _caller?.Dispose();
        Ca.Dispose();
        OtherCa.Dispose();
        Files.Dispose();
        _models.Dispose();
    }
}
