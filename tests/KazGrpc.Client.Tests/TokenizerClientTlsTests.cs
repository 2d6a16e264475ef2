using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client.Tests;

/// <summary>The hop's TLS settings (<c>Tokenizer:Tls</c>) and the callers' (<c>KazGrpc:Tls</c>): their
/// validation, and <see cref="TokenizerClient"/> over mutual TLS to a real tokenizer-svc.</summary>
public sealed class TokenizerClientTlsTests : IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("KazGrpc Test CA");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Validate_TlsWithCleartextAddress_NamesBothSettings()
    {
        var options = new TokenizerClientOptions { Address = new Uri("http://127.0.0.1:50052"), Tls = { CaPath = _ca.WriteCertificate(_files.Combine("ca.crt")) } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal("Tokenizer:Tls is configured but Tokenizer:Address is 'http://127.0.0.1:50052/', which is cleartext; use https://", error.Message);
    }

    [Fact]
    public void Validate_KeyWithoutCertificate_NamesBothSettings()
    {
        var options = new KazGrpcClientOptions { Tls = { KeyPath = "/etc/kazgrpc/caller.key" } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal("KazGrpc:Tls:KeyPath is set but KazGrpc:Tls:CertificatePath is empty; set the client certificate's PEM file too", error.Message);
    }

    [Fact]
    public void Validate_TlsWithOnlyCleartextAddresses_NamesBothAddresses()
    {
        var caPath = _ca.WriteCertificate(_files.Combine("ca.crt"));
        var options = new KazGrpcClientOptions { Tls = { CaPath = caPath } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal(
            "KazGrpc:Tls is configured but KazGrpc:InferenceAddress ('http://127.0.0.1:50051') and KazGrpc:TokenizerAddress "
            + "('http://127.0.0.1:50052') are both cleartext; use https:// or dns:///",
            error.Message);
        options.InferenceAddress = "https://inference-svc:50051";
        options.Validate();
    }

    [Fact]
    public void AddKazGrpcClient_MissingCaFile_StartUpFailsNamingTheSettingAndTheFile()
    {
        var path = _files.Combine("absent-ca.crt");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KazGrpc:Tls:CaPath"] = path }).Build();
        using var services = new ServiceCollection().AddKazGrpcClient(configuration).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<KazGrpcClientOptions>>().Value);

        Assert.Equal($"KazGrpc:Tls:CaPath: the file '{path}' does not exist", error.Message);
    }

    [Fact]
    public async Task TokenizeAsync_MutualTls_ServedAndAServerOfAnotherCaRefusedWithTheReason()
    {
        using var server = _ca.IssueServer("tokenizer-svc");
        using var client = _ca.IssueClient("inference-svc");
        var (serverCertificate, serverKey) = TestCertificateAuthority.WritePem(server, _files.Path, "tokenizer-svc");
        var (clientCertificate, clientKey) = TestCertificateAuthority.WritePem(client, _files.Path, "inference-svc-client");
        var caPath = _ca.WriteCertificate(_files.Combine("ca.crt"));
        using var models = new TempDirectory();
        await using var host = await TokenizerHost.StartAsync(
            models.Path,
            [
                "--Tokenization:Builtins:0=o200k_base",
                $"--Hosting:Tls:CertificatePath={serverCertificate}",
                $"--Hosting:Tls:KeyPath={serverKey}",
                "--Hosting:Tls:ClientCertificateMode=require",
                $"--Hosting:Tls:ClientCaPath={caPath}",
            ],
            Token);
        Assert.Equal("https", host.GrpcAddress.Scheme);
        await using var tokenizer = Create(new TokenizerClientOptions
        {
            Address = host.GrpcAddress,
            Tls = { CaPath = caPath, CertificatePath = clientCertificate, KeyPath = clientKey },
        });
        while (!await tokenizer.IsServingAsync(Token))
        {
            await Task.Delay(50, Token);
        }

        var response = await tokenizer.TokenizeAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "Сәлем, әлем!" } }, Token);
        Assert.NotEmpty(response.Results[0].Ids);

        using var other = TestCertificateAuthority.Create("Another CA");
        var otherCaPath = other.WriteCertificate(_files.Combine("other-ca.crt"));
        await using var distrusting = Create(new TokenizerClientOptions
        {
            Address = host.GrpcAddress,
            Tls = { CaPath = otherCaPath, CertificatePath = clientCertificate, KeyPath = clientKey },
        });
        var failure = await distrusting.CheckHealthAsync(Token);
        Assert.NotNull(failure);
        Assert.True(failure.StartsWith("Unavailable: ", StringComparison.Ordinal), failure);
        Assert.Contains($"the server's certificate '{server.Subject}'", failure, StringComparison.Ordinal);
        Assert.Contains($"is not issued by a CA in Tokenizer:Tls:CaPath ({otherCaPath})", failure, StringComparison.Ordinal);
        await RpcAssert.ThrowsAsync(
            StatusCode.Unavailable,
            () => distrusting.TokenizeAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "Сәлем" } }, Token),
            $"the tokenizer (tokenizer-svc at {host.GrpcAddress}) is unreachable",
            "is not issued by a CA in Tokenizer:Tls:CaPath");
    }

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    private static TokenizerClient Create(TokenizerClientOptions options) => new(Options.Create(options), TimeProvider.System);
}
