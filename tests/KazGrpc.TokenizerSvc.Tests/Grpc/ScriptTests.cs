using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>ConvertScript, and Tokenize's and CountTokens' <c>input_script</c>, through gRPC and the JSON transcoding.</summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class ScriptTests(TokenizerServiceFixture fixture) : IDisposable
{
    // The first sentence of the UDHR's Article 1, and its 2021 Latin spelling.
    private const string Cyrillic = "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып дүниеге келеді.";
    private const string Latin = "Barlyq adamdar tumysynan azat jäne qadır-qasietı men qūqyqtary teñ bolyp düniege keledı.";

    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

    private TokenizerService.TokenizerServiceClient Client => fixture.Client;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ConvertScript_BothWays_The2021SpellingAndBackInOrder()
    {
        var latin = await Client.ConvertScriptAsync(new ConvertScriptRequest { Texts = { Cyrillic, "Юрий, 2024 ж." }, Target = Script.Latin }, cancellationToken: Token);
        Assert.Equal([Latin, "İurii, 2024 j."], latin.Texts);

        var cyrillic = await Client.ConvertScriptAsync(new ConvertScriptRequest { Texts = { Latin, "İurii, 2024 j." }, Target = Script.Cyrillic }, cancellationToken: Token);
        Assert.Equal([Cyrillic, "Иурий, 2024 ж."], cyrillic.Texts);
    }

    [Fact]
    public async Task ConvertScript_NoTarget_InvalidArgumentNamingTarget()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.ConvertScriptAsync(new ConvertScriptRequest { Texts = { Latin } }, cancellationToken: Token).ResponseAsync,
            "target", "`target` is required: SCRIPT_CYRILLIC or SCRIPT_LATIN");
        await RpcAssert.InvalidArgumentAsync(
            () => Client.ConvertScriptAsync(new ConvertScriptRequest { Texts = { Latin }, Target = (Script)7 }, cancellationToken: Token).ResponseAsync,
            "target", "`target` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 7");
    }

    [Fact]
    public async Task ConvertScript_NoTexts_InvalidArgumentNamingTexts()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.ConvertScriptAsync(new ConvertScriptRequest { Target = Script.Latin }, cancellationToken: Token).ResponseAsync,
            "texts", "`texts` must contain at least 1 text; got 0");
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("minilm")]
    public async Task Tokenize_LatinInputScript_SameIdsAsTheCyrillic(string tokenizer)
    {
        var cyrillic = await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = tokenizer, Texts = { Cyrillic }, AddSpecialTokens = true }, cancellationToken: Token);
        var latin = await Client.TokenizeAsync(
            new TokenizeRequest { Tokenizer = tokenizer, Texts = { Latin }, AddSpecialTokens = true, InputScript = Script.Latin }, cancellationToken: Token);
        var asIs = await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = tokenizer, Texts = { Latin }, AddSpecialTokens = true }, cancellationToken: Token);

        Assert.Equal(cyrillic.Results[0].Ids, latin.Results[0].Ids);
        Assert.NotEqual(cyrillic.Results[0].Ids, asIs.Results[0].Ids);
    }

    [Fact]
    public async Task Tokenize_LatinInputScriptWithOffsets_SpansOfTheTextAsSent()
    {
        // "Chempion" is 8 letters, its Cyrillic spelling "Чемпион" 7: Ch is one letter there.
        var cyrillic = await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "Чемпион" }, ReturnOffsets = true }, cancellationToken: Token);
        var latin = await Client.TokenizeAsync(
            new TokenizeRequest { Tokenizer = "minilm", Texts = { "Chempion" }, ReturnOffsets = true, InputScript = Script.Latin }, cancellationToken: Token);

        Assert.Equal(cyrillic.Results[0].Ids, latin.Results[0].Ids);
        Assert.True(latin.Results[0].Ids.Count > 1, "a word split into pieces");
        var expected = cyrillic.Results[0].Offsets.Select(o => (o.Start == 0 ? 0u : o.Start + 1, o.End + 1));
        Assert.Equal(expected, latin.Results[0].Offsets.Select(o => (o.Start, o.End)));
    }

    [Fact]
    public async Task TokenizeStream_LatinInputScript_SameIdsAsTheCyrillic()
    {
        using var call = Client.TokenizeStream(cancellationToken: Token);
        await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Cyrillic }, RequestId = "cyrillic" }, Token);
        await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, RequestId = "latin", InputScript = Script.Latin }, Token);
        await call.RequestStream.CompleteAsync();

        var answers = new Dictionary<string, TokenizeResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
        {
            answers[response.RequestId] = response;
        }

        Assert.Equal(answers["cyrillic"].Results[0].Ids, answers["latin"].Results[0].Ids);
    }

    [Fact]
    public async Task TokenizeStream_BadInputScript_AnsweredInBandNamingInputScript()
    {
        using var call = Client.TokenizeStream(cancellationToken: Token);
        await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, RequestId = "unknown", InputScript = (Script)9 }, Token);
        await call.RequestStream.WriteAsync(
            new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, RequestId = "special", InputScript = Script.Latin, AllowSpecialTokens = true }, Token);
        await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, RequestId = "latin", InputScript = Script.Latin }, Token);
        await call.RequestStream.CompleteAsync();

        var answers = new Dictionary<string, TokenizeResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
        {
            answers[response.RequestId] = response;
        }

        AssertNamesInputScript(answers["unknown"].Error, "`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 9");
        AssertNamesInputScript(answers["special"].Error, "`input_script` SCRIPT_LATIN cannot be combined with `allow_special_tokens`");
        Assert.Null(answers["latin"].Error);
        Assert.NotEmpty(answers["latin"].Results[0].Ids);

        static void AssertNamesInputScript(RequestError error, string words)
        {
            Assert.Equal((int)StatusCode.InvalidArgument, error.Code);
            Assert.Contains(words, error.Message, StringComparison.Ordinal);
            var badRequest = Assert.Single(error.Details, d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>();
            Assert.Contains(badRequest.FieldViolations, v => v.Field == "input_script");
        }
    }

    [Fact]
    public async Task CountTokens_LatinInputScript_CountsTheCyrillicSpelling()
    {
        var cyrillic = await Client.CountTokensAsync(new CountTokensRequest { Tokenizer = "o200k_base", Texts = { Cyrillic } }, cancellationToken: Token);
        var latin = await Client.CountTokensAsync(new CountTokensRequest { Tokenizer = "o200k_base", Texts = { Latin }, InputScript = Script.Latin }, cancellationToken: Token);

        Assert.Equal(cyrillic.Counts, latin.Counts);
    }

    [Fact]
    public async Task Tokenize_LatinInputScriptWithSpecialTokensAllowed_InvalidArgumentNamingInputScript()
    {
        var request = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, InputScript = Script.Latin, AllowSpecialTokens = true };
        await RpcAssert.InvalidArgumentAsync(() => Client.TokenizeAsync(request, cancellationToken: Token).ResponseAsync,
            "input_script", "`input_script` SCRIPT_LATIN cannot be combined with `allow_special_tokens`");
    }

    [Fact]
    public async Task Tokenize_UnknownInputScript_InvalidArgumentNamingInputScript()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Latin }, InputScript = (Script)9 }, cancellationToken: Token).ResponseAsync,
            "input_script", "`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 9");
        await RpcAssert.InvalidArgumentAsync(
            () => Client.CountTokensAsync(new CountTokensRequest { Tokenizer = "o200k_base", Texts = { Latin }, InputScript = (Script)9 }, cancellationToken: Token).ResponseAsync,
            "input_script", "`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 9");
    }

    [Fact]
    public async Task ConvertScript_Transcoded_ConvertsWithEnumNames()
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/text:convertScript", new { texts = new[] { Latin }, target = "SCRIPT_CYRILLIC" }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(Cyrillic, json.RootElement.GetProperty("texts")[0].GetString());
    }

    [Fact]
    public async Task Tokenize_TranscodedWithInputScript_SameIdsAsTheCyrillic()
    {
        var cyrillic = await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Cyrillic } }, cancellationToken: Token);

        using var response = await _http.PostAsJsonAsync("/api/v1/tokenizers/o200k_base:tokenize", new { texts = new[] { Latin }, inputScript = "SCRIPT_LATIN" }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(cyrillic.Results[0].Ids, json.RootElement.GetProperty("results")[0].GetProperty("ids").EnumerateArray().Select(i => i.GetUInt32()));
    }
}
