using System.Diagnostics;
using KazGrpc.Tls;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tests.Cli;

/// <summary>
/// --ca, --cert and --key (and their variables) against tokenizer-svcs with TLS and with mutual TLS
/// required: served over https with the files, refused with a one-line reason and exit 1 without.
/// </summary>
[Collection(SecuredTokenizerGroup.Name)]
public sealed class TlsTests(TlsTokenizerFixture tls)
{
    [Fact]
    public async Task Count_HttpsWithCa_Served()
    {
        var (code, output, error) = await CliRunner.RunAsync("count", "Сәлем, әлем!", "--tokenizer-address", tls.TlsAddress, "--ca", tls.CaPath);

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.EndsWith($" tokens (o200k_base){Environment.NewLine}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_AddressAndCaFromVariables_Served()
    {
        using var environment = new EnvironmentScope((ServiceEndpoint.Tokenizer.EnvironmentVariable, tls.TlsAddress), (ConnectionOptions.CaVariable, tls.CaPath));

        var (code, _, error) = await CliRunner.RunAsync("count", "Сәлем, әлем!");

        Assert.Equal((ExitCodes.Success, ""), (code, error));
    }

    [Fact]
    public async Task Count_HttpsWithoutCa_SystemRootsRefuseTheServerInOneLine()
    {
        var (code, output, error) = await CliRunner.RunAsync("count", "бір", "--tokenizer-address", tls.TlsAddress);

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"kazgrpc count: TLS handshake with {tls.TlsAddress} failed: The remote certificate is invalid", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_CaThatDidNotIssueTheServer_RefusedNamingTheCaOption()
    {
        var (code, _, error) = await CliRunner.RunAsync("count", "бір", "--tokenizer-address", tls.TlsAddress, "--ca", tls.OtherCaPath);

        Assert.Equal(ExitCodes.Failure, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith(
            $"kazgrpc count: TLS handshake with {tls.TlsAddress} failed: TLS handshake refused: the server's certificate 'CN=tokenizer-svc'", line, StringComparison.Ordinal);
        Assert.Contains($"is not issued by a CA in --ca ({tls.OtherCaPath})", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_MutualTlsWithCertAndKey_Served()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "count", "Сәлем, әлем!", "--tokenizer-address", tls.MutualTlsAddress, "--ca", tls.CaPath, "--cert", tls.CallerFiles.Certificate, "--key", tls.CallerFiles.Key);

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.EndsWith($" tokens (o200k_base){Environment.NewLine}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_MutualTlsFilesFromVariables_Served()
    {
        using var environment = new EnvironmentScope(
            (ConnectionOptions.CaVariable, tls.CaPath), (ConnectionOptions.CertificateVariable, tls.CallerFiles.Certificate), (ConnectionOptions.KeyVariable, tls.CallerFiles.Key));

        var (code, _, error) = await CliRunner.RunAsync("tokenize", "Сәлем", "--tokenizer-address", tls.MutualTlsAddress);

        Assert.Equal((ExitCodes.Success, ""), (code, error));
    }

    [Fact]
    public async Task Count_MutualTlsWithoutCert_RefusedInOneLineSayingNoneWasPresented()
    {
        var (code, output, error) = await CliRunner.RunAsync("count", "бір", "--tokenizer-address", tls.MutualTlsAddress, "--ca", tls.CaPath);

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"kazgrpc count: TLS handshake with {tls.MutualTlsAddress} failed: ", line, StringComparison.Ordinal);
        Assert.EndsWith(
            "closed the connection right after the TLS handshake, as a server that requires client certificates does when it refuses one; "
            + "this client presented none (neither --cert nor $KAZGRPC_TLS_CERT is set)",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_MutualTlsWithCertOfAnotherCa_RefusedNamingTheCertOption()
    {
        using var stranger = tls.OtherCa.IssueClient("stranger");
        var files = TestCertificateAuthority.WritePem(stranger, tls.Files.Path, "stranger");

        var (code, _, error) = await CliRunner.RunAsync(
            "count", "бір", "--tokenizer-address", tls.MutualTlsAddress, "--ca", tls.CaPath, "--cert", files.Certificate, "--key", files.Key);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.EndsWith($"this client presented {PemFiles.Describe(stranger)} from --cert ({files.Certificate})", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_MutualTlsWithCertAndKey_Serving()
    {
        var (code, output, _) = await CliRunner.RunAsync(
            "health", tls.MutualTlsAddress, "--ca", tls.CaPath, "--cert", tls.CallerFiles.Certificate, "--key", tls.CallerFiles.Key);

        Assert.Equal((ExitCodes.Success, $"{tls.MutualTlsAddress}: SERVING{Environment.NewLine}"), (code, output));
    }

    [Fact]
    public async Task Health_HttpsWithCaVariable_Serving()
    {
        using var environment = new EnvironmentScope((ConnectionOptions.CaVariable, tls.CaPath));

        var (code, _, _) = await CliRunner.RunAsync("health", "--address", tls.TlsAddress, "--service", "kazgrpc.tokenizer.v1.TokenizerService");

        Assert.Equal(ExitCodes.Success, code);
    }

    [Fact]
    public async Task Health_MutualTlsWithoutCert_FailsAtOnceInsteadOfWaiting()
    {
        var clock = Stopwatch.StartNew();

        var (code, output, error) = await CliRunner.RunAsync("health", tls.MutualTlsAddress, "--ca", tls.CaPath, "--wait", "60");

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"{tls.MutualTlsAddress}: not SERVING (TLS handshake failed: ", line, StringComparison.Ordinal);
        Assert.EndsWith("this client presented none (neither --cert nor $KAZGRPC_TLS_CERT is set))", line, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
