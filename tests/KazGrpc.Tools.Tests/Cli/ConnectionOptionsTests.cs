namespace KazGrpc.Tools.Tests.Cli;

/// <summary>The key and TLS options' usage errors: each names the option and its value (a key's never), before any call.</summary>
public sealed class ConnectionOptionsTests
{
    [Theory]
    [InlineData(
        new[] { "count", "x", "--tokenizer-address", "127.0.0.1:1", "--ca", "ca.crt" },
        "kazgrpc count: --ca 'ca.crt' is set, but --tokenizer-address '127.0.0.1:1' is cleartext; TLS needs an https://host:port address")]
    [InlineData(
        new[] { "embed", "x", "--inference", "http://127.0.0.1:1", "--cert", "caller.crt" },
        "kazgrpc embed: --cert 'caller.crt' is set, but --inference 'http://127.0.0.1:1' is cleartext; TLS needs an https://host:port address")]
    [InlineData(
        new[] { "models", "--ca", "ca.crt" },
        "kazgrpc models: --ca 'ca.crt' is set, but the default address '127.0.0.1:50051' is cleartext; TLS needs an https://host:port address")]
    [InlineData(
        new[] { "health", "127.0.0.1:1", "--ca", "ca.crt" },
        "kazgrpc health: --ca 'ca.crt' is set, but ADDR '127.0.0.1:1' is cleartext; TLS needs an https://host:port address")]
    [InlineData(
        new[] { "count", "x", "--tokenizer-address", "https://127.0.0.1:1", "--key", "caller.key" },
        "kazgrpc count: --key 'caller.key' is set but neither --cert nor $KAZGRPC_TLS_CERT is; give the client certificate's PEM file too")]
    [InlineData(
        new[] { "generate", "x", "--inference", "https://127.0.0.1:1", "--ca", "/nonexistent/ca.crt" },
        "kazgrpc generate: --ca: the file '/nonexistent/ca.crt' does not exist")]
    [InlineData(new[] { "count", "x", "--tokenizer-address", "https://127.0.0.1:1", "--ca", "" }, "kazgrpc count: --ca is empty")]
    public async Task InvokeAsync_TlsOptionsThatCannotWork_UsageErrorNamingTheOptionAndValue(string[] args, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal((ExitCodes.Usage, "", message + Environment.NewLine), (code, output, error));
    }

    [Fact]
    public async Task InvokeAsync_CertFileWithoutACertificate_UsageErrorNamingTheOptionAndFile()
    {
        using var files = new TempDirectory();
        var path = files.Combine("caller.crt");
        await File.WriteAllTextAsync(path, "not a certificate\n", TestContext.Current.CancellationToken);

        var (code, _, error) = await CliRunner.RunAsync("tokenize", "x", "--tokenizer-address", "https://127.0.0.1:1", "--cert", path);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal($"kazgrpc tokenize: --cert: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----){Environment.NewLine}", error);
    }

    [Theory]
    [InlineData("kzg_with space")]
    [InlineData("kzg_кирилл")]
    public async Task InvokeAsync_ApiKeyNotPrintableAscii_UsageErrorThatDoesNotShowIt(string key)
    {
        var (code, output, error) = await CliRunner.RunAsync("count", "x", "--tokenizer-address", "127.0.0.1:1", "--api-key", key);

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Equal($"kazgrpc count: --api-key must be printable ASCII without spaces; the value given is not (it is not shown){Environment.NewLine}", error);
    }
}
