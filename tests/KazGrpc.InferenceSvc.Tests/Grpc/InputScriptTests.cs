using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Grpc;

/// <summary>Embed's and Generate's <c>input_script</c>, and <c>input_type</c> on a model without
/// prefixes, through gRPC and the JSON transcoding on the shared inference-svc: Latin-script
/// Kazakh reaches the models as its Cyrillic spelling does.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class InputScriptTests(SharedInferenceFixture fixture) : IDisposable
{
    // The first sentence of the UDHR's Article 1, and its 2021 Latin spelling.
    private const string Cyrillic = "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып дүниеге келеді.";
    private const string Latin = "Barlyq adamdar tumysynan azat jäne qadır-qasietı men qūqyqtary teñ bolyp düniege keledı.";

    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private InferenceService.InferenceServiceClient Client => fixture.Host.Client;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Embed_LatinInputScript_SameVectorsAndTokensAsTheCyrillic()
    {
        var cyrillic = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Cyrillic, "Сәлем" } }, cancellationToken: Token);
        var latin = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Latin, "Sälem" }, InputScript = Script.Latin }, cancellationToken: Token);
        var asIs = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Latin, "Sälem" } }, cancellationToken: Token);

        Assert.Equal(cyrillic.Usage.PromptTokens, latin.Usage.PromptTokens);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(cyrillic.Embeddings[i].Values, latin.Embeddings[i].Values);
            Assert.NotEqual(cyrillic.Embeddings[i].Values, asIs.Embeddings[i].Values);
        }
    }

    [Fact]
    public async Task Embed_InputTypeOnAModelWithoutPrefixes_TheInputsAsTheyAre()
    {
        var plain = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Cyrillic } }, cancellationToken: Token);
        var query = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Cyrillic }, InputType = EmbedInputType.Query }, cancellationToken: Token);
        var info = await Client.GetModelAsync(new GetModelRequest { Name = "minilm" }, cancellationToken: Token);

        Assert.Equal(plain.Embeddings[0].Values, query.Embeddings[0].Values);
        Assert.Equal(plain.Usage.PromptTokens, query.Usage.PromptTokens);
        Assert.Equal(("", ""), (info.QueryPrefix, info.PassagePrefix));
    }

    [Fact]
    public async Task Complete_LatinPrompt_SameIdsAsTheCyrillic()
    {
        var cyrillic = await Client.CompleteAsync(Greedy("Қазақстан Республикасы"), cancellationToken: Token);
        var latin = await Client.CompleteAsync(Greedy("Qazaqstan Respublikasy", Script.Latin), cancellationToken: Token);

        Assert.Equal(cyrillic.Usage.PromptTokens, latin.Usage.PromptTokens);
        Assert.Equal(cyrillic.TokenIds, latin.TokenIds);
        Assert.Equal(cyrillic.Text, latin.Text);
    }

    [Fact]
    public async Task Generate_LatinMessages_SameIdsAsTheCyrillic()
    {
        var cyrillic = await StreamIdsAsync(Chat(("Сен көмекшісің.", "Сәлем!"), null));
        var latin = await StreamIdsAsync(Chat(("Sen kömekşısıñ.", "Sälem!"), Script.Latin));
        var asIs = await StreamIdsAsync(Chat(("Sen kömekşısıñ.", "Sälem!"), null));

        Assert.Equal(cyrillic, latin);
        Assert.NotEqual(cyrillic, asIs);
    }

    [Fact]
    public async Task Embed_UnknownInputScriptOrType_InvalidArgumentNamingTheField()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Latin }, InputScript = (Script)9 }, cancellationToken: Token).ResponseAsync,
            "input_script", "`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 9");
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Latin }, InputType = (EmbedInputType)5 }, cancellationToken: Token).ResponseAsync,
            "input_type", "`input_type` must be EMBED_INPUT_TYPE_UNSPECIFIED, EMBED_INPUT_TYPE_QUERY or EMBED_INPUT_TYPE_PASSAGE; got 5");
    }

    [Fact]
    public async Task Complete_UnknownInputScript_InvalidArgumentNamingInputScript()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.CompleteAsync(Greedy("Qazaqstan", (Script)3), cancellationToken: Token).ResponseAsync,
            "input_script", "`input_script` must be SCRIPT_UNSPECIFIED, SCRIPT_CYRILLIC or SCRIPT_LATIN; got 3");
    }

    [Fact]
    public async Task Embed_TranscodedWithInputScript_SameVectorAsTheCyrillic()
    {
        var cyrillic = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Cyrillic } }, cancellationToken: Token);

        using var response = await _http.PostAsJsonAsync("/api/v1/models/minilm:embed", new { inputs = new[] { Latin }, inputScript = "SCRIPT_LATIN" }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var values = json.RootElement.GetProperty("embeddings")[0].GetProperty("values").EnumerateArray().Select(v => v.GetSingle());
        Assert.Equal(cyrillic.Embeddings[0].Values, values, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    private static GenerateRequest Greedy(string prompt, Script script = Script.Unspecified) => new()
    {
        Model = "kaz-tiny",
        Prompt = prompt,
        InputScript = script,
        Parameters = new GenerationParameters { MaxNewTokens = 8, IgnoreEos = true },
    };

    private static GenerateRequest Chat((string System, string User) contents, Script? script) => new()
    {
        Model = "kaz-tiny",
        Messages = { new ChatMessage { Role = "system", Content = contents.System }, new ChatMessage { Role = "user", Content = contents.User } },
        InputScript = script ?? Script.Unspecified,
        Parameters = new GenerationParameters { MaxNewTokens = 8, IgnoreEos = true },
    };

    private async Task<(uint PromptTokens, string Ids)> StreamIdsAsync(GenerateRequest request)
    {
        using var call = Client.Generate(request, cancellationToken: Token);
        var ids = new List<uint>();
        uint promptTokens = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
        {
            if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Chunk)
            {
                ids.AddRange(response.Chunk.TokenIds);
            }
            else
            {
                promptTokens = response.Final.Usage.PromptTokens;
            }
        }

        return (promptTokens, string.Join(',', ids));
    }
}
