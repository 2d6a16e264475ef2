using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using KazGrpc.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Launcher;

namespace KazGrpc.InferenceSvc.Tests.Tls;

/// <summary>
/// The README's production set-up on <c>tools/certs/make-dev-certs.sh</c>'s output (openssl): both
/// services with mutual TLS on the script's certificates, a caller with the script's client
/// certificate served, one without refused.
/// </summary>
public sealed class DevCertificatesTests(TokenizerProcessFixture shared)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MakeDevCerts_Output_ServesBothServicesOverMutualTls()
    {
        using var certs = new TempDirectory();
        await RunScriptAsync(certs.Path);
        string Cert(string name) => certs.Combine(name);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Cert("ca.crt"));
        using var caller = X509Certificate2.CreateFromPemFile(Cert("caller.crt"), Cert("caller.key"));

        await using var tokenizer = new TokenizerProcess(
            shared.ModelsDirectory,
            MutualTlsFixture.ServerSettings((Cert("tokenizer-svc.crt"), Cert("tokenizer-svc.key")), Cert("ca.crt")))
        {
            TlsChannel = address => TestTlsChannel.Open(address, ca, caller),
        };
        await tokenizer.StartAsync(Token);
        await using var inference = await InferenceHost.StartAsync(
            tokenizer.Address,
            shared.ModelsDirectory,
            address => TestTlsChannel.Open(address, ca, caller),
            Token,
            [
                .. MutualTlsFixture.ServerSettings((Cert("inference-svc.crt"), Cert("inference-svc.key")), Cert("ca.crt")),
                $"--Tokenizer:Tls:CaPath={Cert("ca.crt")}",
                $"--Tokenizer:Tls:CertificatePath={Cert("inference-svc-client.crt")}",
                $"--Tokenizer:Tls:KeyPath={Cert("inference-svc-client.key")}",
            ]);

        KazGrpcClient Client(ClientTlsOptions tls) => new(new KazGrpcClientOptions
        {
            InferenceAddress = inference.GrpcAddress.ToString(),
            TokenizerAddress = tokenizer.Address.ToString(),
            MaxAttempts = 1,
            Tls = tls,
        });

        using var served = Client(new ClientTlsOptions { CaPath = Cert("ca.crt"), CertificatePath = Cert("caller.crt"), KeyPath = Cert("caller.key") });
        var embedded = await served.EmbedAsync("minilm", ["Өтініш қабылданды."], Token);
        var completed = await served.CompleteAsync(
            new GenerateRequest { Model = "kaz-tiny", Prompt = "Сәлем", Parameters = new GenerationParameters { MaxNewTokens = 4, IgnoreEos = true } }, Token);
        var counts = await served.CountTokensAsync("o200k_base", ["Сәлем, әлем!"], Token);
        Assert.Equal(384, Assert.Single(embedded.Embeddings).Values.Count);
        Assert.Equal(4, completed.TokenIds.Count);
        Assert.True(Assert.Single(counts) > 0);

        using var refused = Client(new ClientTlsOptions { CaPath = Cert("ca.crt") });
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => refused.ListModelsAsync(Token), "this client presented none");
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => refused.ListTokenizersAsync(Token), "this client presented none");
    }

    private static async Task RunScriptAsync(string directory)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(RepositoryPaths.Root, "tools", "certs", "make-dev-certs.sh"), directory },
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var errors = process.StandardError.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);
        Assert.True(process.ExitCode == 0, $"make-dev-certs.sh exited with {process.ExitCode}:\n{await output}\n{await errors}");
        foreach (var name in new[] { "ca", "tokenizer-svc", "inference-svc", "inference-svc-client", "caller" })
        {
            Assert.True(File.Exists(Path.Combine(directory, name + ".crt")), $"make-dev-certs.sh wrote no {name}.crt:\n{await output}");
        }
    }
}
