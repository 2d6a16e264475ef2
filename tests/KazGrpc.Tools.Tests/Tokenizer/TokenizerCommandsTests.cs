using System.Globalization;
using System.Text.Json;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.TokenizerSvc.Testing;

namespace KazGrpc.Tools.Tests.Tokenizer;

/// <summary>tokenize, count and detokenize against a real tokenizer-svc, as a person or a script calls them.</summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class TokenizerCommandsTests(TokenizerServiceFixture service)
{
    private const string Kazakh = "Қазақстан Республикасы — демократиялық мемлекет.";

    [Fact]
    public async Task Tokenize_KazakhText_PrintsTheServicesIds()
    {
        var expected = await ExpectedIdsAsync(Kazakh);

        var (code, output, error) = await RunAsync("tokenize", Kazakh);

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.Equal(
            [$"{expected.Count} tokens (o200k_base)", string.Join(' ', expected.Select(id => id.ToString(CultureInfo.InvariantCulture)))],
            output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Tokenize_Offsets_TableOfPiecesInCodePoints()
    {
        var (code, output, _) = await RunAsync("tokenize", "Сәлем 🙂", "--offsets");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("piece", output, StringComparison.Ordinal);
        Assert.Contains("\" 🙂\"", output, StringComparison.Ordinal);
        Assert.Contains("5-7", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokenize_Json_TheResponseInProtoJson()
    {
        var expected = await ExpectedIdsAsync(Kazakh);

        var (code, output, _) = await RunAsync("tokenize", Kazakh, "екі", "--json");

        Assert.Equal(ExitCodes.Success, code);
        var response = TokenizeResponse.Parser.ParseJson(output);
        Assert.Equal(2, response.Results.Count);
        Assert.Equal(expected, response.Results[0].Ids);
    }

    [Fact]
    public async Task Count_SeveralTexts_EachCountAndTheTotal()
    {
        var first = (await ExpectedIdsAsync("бір")).Count;
        var second = (await ExpectedIdsAsync("екі үш")).Count;

        var (code, output, _) = await RunAsync("count", "бір", "екі үш");

        Assert.Equal(ExitCodes.Success, code);
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
        Assert.Equal([$"{first}  бір", $"{second}  екі үш", $"{first + second}  tokens in all (o200k_base)"], lines);
    }

    [Fact]
    public async Task Detokenize_TheIdsTokenizePrints_GivesTheTextBack()
    {
        var ids = await ExpectedIdsAsync(Kazakh);

        var (code, output, _) = await RunAsync(["detokenize", .. ids.Select(id => id.ToString(CultureInfo.InvariantCulture))]);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(Kazakh + Environment.NewLine, output);
    }

    [Fact]
    public async Task Count_UnknownTokenizer_NotFoundListingTheTokenizers()
    {
        var (code, output, error) = await RunAsync("count", "x", "--tokenizer", "nope");

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        Assert.StartsWith("kazgrpc count: NOT_FOUND: ", error, StringComparison.Ordinal);
        Assert.Contains("'nope'", error, StringComparison.Ordinal);
        Assert.Contains("o200k_base", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detokenize_IdOutsideTheVocabulary_InvalidArgumentNamingTheField()
    {
        var (code, _, error) = await RunAsync("detokenize", "5", "999999999", "--tokenizer", "gpt2");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("kazgrpc detokenize: INVALID_ARGUMENT: ", error, StringComparison.Ordinal);
        Assert.Contains("999999999", error, StringComparison.Ordinal);
        Assert.Contains("ids[1]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_JsonError_GoogleApiErrorOnStderr()
    {
        var (code, output, error) = await RunAsync("count", "x", "--tokenizer", "nope", "--json");

        Assert.Equal((ExitCodes.Failure, ""), (code, output));
        using var document = JsonDocument.Parse(error);
        Assert.Equal("NOT_FOUND", document.RootElement.GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Tokenize_NothingListening_UnavailableExitCode()
    {
        var (code, _, error) = await CliRunner.RunAsync("tokenize", "x", "--tokenizer-address", "127.0.0.1:1");

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.StartsWith("kazgrpc tokenize: UNAVAILABLE: ", error, StringComparison.Ordinal);
        Assert.Contains("is tokenizer-svc running at 127.0.0.1:1?", error, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--tokenizer-address", service.Address.ToString()]);

    private async Task<List<uint>> ExpectedIdsAsync(string text)
    {
        var response = await service.Client.TokenizeAsync(
            new TokenizeRequest { Tokenizer = "o200k_base", Texts = { text } }, cancellationToken: TestContext.Current.CancellationToken);
        return [.. response.Results[0].Ids];
    }
}
