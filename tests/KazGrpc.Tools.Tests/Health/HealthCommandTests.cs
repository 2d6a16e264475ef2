using System.Text.Json;
using KazGrpc.TokenizerSvc.Testing;
using KazGrpc.Tools.Tests.Tokenizer;

namespace KazGrpc.Tools.Tests.Health;

/// <summary>health as scripts and probes use it: exit 0 when SERVING, 3 otherwise.</summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class HealthCommandTests(TokenizerServiceFixture service)
{
    [Fact]
    public async Task Run_ServingAddress_ExitZero()
    {
        var address = $"{service.Address.Host}:{service.Address.Port}";

        var (code, output, _) = await CliRunner.RunAsync("health", address);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal($"{address}: SERVING{Environment.NewLine}", output);
    }

    [Fact]
    public async Task Run_AddressOptionAndWait_AsScriptsCallIt()
    {
        var (code, _, _) = await CliRunner.RunAsync("health", "--address", service.Address.ToString(), "--wait", "5");

        Assert.Equal(ExitCodes.Success, code);
    }

    [Fact]
    public async Task Run_UnknownService_NotServing()
    {
        var (code, _, error) = await CliRunner.RunAsync("health", service.Address.ToString(), "--service", "kazgrpc.nothing.v1.Nothing");

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("kazgrpc.nothing.v1.Nothing: not SERVING (NOT_FOUND", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TokenizerServiceName_Serving()
    {
        var (code, _, _) = await CliRunner.RunAsync("health", service.Address.ToString(), "--service", "kazgrpc.tokenizer.v1.TokenizerService");

        Assert.Equal(ExitCodes.Success, code);
    }

    [Fact]
    public async Task Run_NothingListening_ExitThreeSayingWhy()
    {
        var (code, output, error) = await CliRunner.RunAsync("health", "127.0.0.1:1", "--wait", "0.5");

        Assert.Equal((ExitCodes.Unavailable, ""), (code, output));
        Assert.StartsWith("127.0.0.1:1: not SERVING (UNAVAILABLE: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Json_StatusAndVerdict()
    {
        var (code, output, _) = await CliRunner.RunAsync("health", "127.0.0.1:1", "--json");

        Assert.Equal(ExitCodes.Unavailable, code);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("127.0.0.1:1", document.RootElement.GetProperty("address").GetString());
        Assert.False(document.RootElement.GetProperty("serving").GetBoolean());
        Assert.StartsWith("UNAVAILABLE: ", document.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
