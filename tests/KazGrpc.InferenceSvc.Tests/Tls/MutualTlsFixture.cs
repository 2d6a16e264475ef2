using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using KazGrpc.Client;

namespace KazGrpc.InferenceSvc.Tests.Tls;

/// <summary>
/// Both services with mutual TLS required, on certificates made in the test: a tokenizer-svc
/// process, and an in-process inference-svc that reaches it over mutual TLS with a client
/// certificate of its own. A CA of another name issues nothing either service trusts.
/// </summary>
public sealed class MutualTlsFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();

    public TempDirectory Files { get; } = new();

    public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create("KazGrpc Test CA");

    public TestCertificateAuthority OtherCa { get; } = TestCertificateAuthority.Create("Another CA");

    public string CaPath => Files.Combine("ca.crt");

    public string OtherCaPath => Files.Combine("other-ca.crt");

    /// <summary>inference-svc's server certificate's files, which the reload test replaces.</summary>
    public (string Certificate, string Key) InferenceServer { get; private set; }

    /// <summary>A caller's valid client certificate and its files.</summary>
    public X509Certificate2 Caller { get; private set; } = null!;

    public (string Certificate, string Key) CallerFiles { get; private set; }

    public TokenizerProcess Tokenizer { get; private set; } = null!;

    public InferenceHost Inference { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        Ca.WriteCertificate(CaPath);
        OtherCa.WriteCertificate(OtherCaPath);
        using var tokenizerServer = Ca.IssueServer("tokenizer-svc", ["localhost", "tokenizer-svc"]);
        using var inferenceServer = Ca.IssueServer("inference-svc", ["localhost", "inference-svc"]);
        using var hopClient = Ca.IssueClient("inference-svc");
        Caller = Ca.IssueClient("caller");
        var tokenizerFiles = TestCertificateAuthority.WritePem(tokenizerServer, Files.Path, "tokenizer-svc");
        InferenceServer = TestCertificateAuthority.WritePem(inferenceServer, Files.Path, "inference-svc");
        var hopFiles = TestCertificateAuthority.WritePem(hopClient, Files.Path, "inference-svc-client");
        CallerFiles = TestCertificateAuthority.WritePem(Caller, Files.Path, "caller");

        InferenceModels.Write(_models.Path);
        Tokenizer = new TokenizerProcess(_models.Path, ServerSettings(tokenizerFiles, CaPath))
        {
            TlsChannel = address => TestTlsChannel.Open(address, Ca.Certificate, Caller),
        };
        await Tokenizer.StartAsync(token);
        Inference = await InferenceHost.StartAsync(
            Tokenizer.Address,
            _models.Path,
            address => TestTlsChannel.Open(address, Ca.Certificate, Caller),
            token,
            [
                .. ServerSettings(InferenceServer, CaPath),
                $"--Tokenizer:Tls:CaPath={CaPath}",
                $"--Tokenizer:Tls:CertificatePath={hopFiles.Certificate}",
                $"--Tokenizer:Tls:KeyPath={hopFiles.Key}",
                "--Hosting:Tls:ReloadInterval=00:00:01",
                "--Logging:LogLevel:KazGrpc.Hosting.ServerTls=Debug",
                "--Logging:LogLevel:KazGrpc.InferenceSvc.Tokenizer=Information",
            ]);
    }

    /// <summary>The settings that turn mutual TLS on for a host (<c>--Hosting:Tls:...</c>).</summary>
    public static string[] ServerSettings((string Certificate, string Key) files, string caPath) =>
    [
        $"--Hosting:Tls:CertificatePath={files.Certificate}",
        $"--Hosting:Tls:KeyPath={files.Key}",
        "--Hosting:Tls:ClientCertificateMode=Require",
        $"--Hosting:Tls:ClientCaPath={caPath}",
    ];

    /// <summary>A caller's client of both services with <paramref name="tls"/>, one attempt per call.</summary>
    public KazGrpcClient Client(ClientTlsOptions tls) => new(new KazGrpcClientOptions
    {
        InferenceAddress = Inference.GrpcAddress.ToString(),
        TokenizerAddress = Tokenizer.Address.ToString(),
        MaxAttempts = 1,
        Timeout = TimeSpan.FromSeconds(30),
        Tls = tls,
    });

    /// <summary>Writes <paramref name="certificate"/> with its key to the files <paramref name="name"/>.crt and .key.</summary>
    public (string Certificate, string Key) Write(X509Certificate2 certificate, string name) => TestCertificateAuthority.WritePem(certificate, Files.Path, name);

    public GrpcChannel Channel(X509Certificate2? clientCertificate, Action<X509Certificate2>? seen = null) =>
        TestTlsChannel.Open(Inference.GrpcAddress, Ca.Certificate, clientCertificate, seen);

    public async ValueTask DisposeAsync()
    {
        if (Inference is not null)
        {
            await Inference.DisposeAsync();
        }

        if (Tokenizer is not null)
        {
            await Tokenizer.DisposeAsync();
        }

        Caller?.Dispose();
        Ca.Dispose();
        OtherCa.Dispose();
        Files.Dispose();
        _models.Dispose();
    }
}
