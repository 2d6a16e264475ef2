using System.Text.Json;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tests.Cli;

/// <summary>
/// --api-key and KAZGRPC_API_KEY against a tokenizer-svc with auth on: served with the key, refused
/// without it in one line, and the key in nothing the CLI writes.
/// </summary>
[Collection(SecuredTokenizerGroup.Name)]
public sealed class ApiKeyTests(AuthTokenizerFixture service)
{
    private const string UnknownKey = "kzg_never-issued-0000000000000000";

    [Fact]
    public async Task Count_NoKey_UnauthenticatedInOneLine()
    {
        var (code, output, error) = await RunAsync("count", "Сәлем, әлем!");

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        Assert.StartsWith("kazgrpc count: UNAUTHENTICATED: no credential: send an API key as `authorization: Bearer <key>`", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_ApiKeyOption_Served()
    {
        var (code, output, error) = await RunAsync("count", "Сәлем, әлем!", "--api-key", AuthTokenizerFixture.Key);

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.EndsWith($" tokens (o200k_base){Environment.NewLine}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthTokenizerFixture.Key, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_ApiKeyVariable_Served()
    {
        using var environment = new EnvironmentScope((ConnectionOptions.ApiKeyVariable, AuthTokenizerFixture.Key));

        var (code, output, error) = await RunAsync("count", "Сәлем, әлем!");

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.EndsWith($" tokens (o200k_base){Environment.NewLine}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_OptionAndVariableDisagree_TheOptionWins()
    {
        using (new EnvironmentScope((ConnectionOptions.ApiKeyVariable, UnknownKey)))
        {
            var (code, _, error) = await RunAsync("count", "бір", "--api-key", AuthTokenizerFixture.Key);

            Assert.Equal((ExitCodes.Success, ""), (code, error));
        }

        using (new EnvironmentScope((ConnectionOptions.ApiKeyVariable, AuthTokenizerFixture.Key)))
        {
            var (code, _, error) = await RunAsync("count", "бір", "--api-key", UnknownKey);

            Assert.Equal(ExitCodes.Failure, code);
            Assert.Equal(["kazgrpc count: UNAUTHENTICATED: the API key is not valid (unknown or revoked)"], Lines(error));
        }
    }

    [Fact]
    public async Task Count_UnknownKeyWithJson_UnauthenticatedAndTheKeyInNoOutput()
    {
        var (code, output, error) = await RunAsync("count", "бір", "--api-key", UnknownKey, "--json");

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        using var document = JsonDocument.Parse(error);
        Assert.Equal("UNAUTHENTICATED", document.RootElement.GetProperty("error").GetProperty("status").GetString());
        Assert.DoesNotContain(UnknownKey, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_KeyWithJson_ServedAndTheKeyInNoOutput()
    {
        var (code, output, error) = await RunAsync("tokenize", "Сәлем", "--api-key", AuthTokenizerFixture.Key, "--json");

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.NotEmpty(KazGrpc.Contracts.Tokenizer.V1.TokenizeResponse.Parser.ParseJson(output).Results[0].Ids);
        Assert.DoesNotContain(AuthTokenizerFixture.Key, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detokenize_KeyVariableNotPrintableAscii_UsageErrorThatDoesNotShowIt()
    {
        const string Pasted = "kzg_pasted-with-a-newline\n";
        using var environment = new EnvironmentScope((ConnectionOptions.ApiKeyVariable, Pasted));

        var (code, output, error) = await RunAsync("detokenize", "1");

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Equal(["kazgrpc detokenize: KAZGRPC_API_KEY must be printable ASCII without spaces; the value given is not (it is not shown)"], Lines(error));
        Assert.DoesNotContain(Pasted.Trim(), error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_NoKey_ServingAsHealthStaysOpen()
    {
        var (code, output, _) = await CliRunner.RunAsync("health", service.Address);

        Assert.Equal((ExitCodes.Success, $"{service.Address}: SERVING{Environment.NewLine}"), (code, output));
    }

    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--tokenizer-address", service.Address]);
}
