using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using KazGrpc.Contracts.Inference.V1;
using TokenizerV1 = KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.InferenceSvc.Tests.Embeddings;

/// <summary>An XLM-RoBERTa-class encoder served end to end: tokenizer-svc loads its
/// <c>sentencepiece.bpe.model</c> with fairseq's ids, inference-svc embeds without
/// <c>token_type_ids</c>, and <c>input_type</c> puts E5's prefixes before the inputs.</summary>
public sealed class MultilingualEmbedTests(MultilingualFixture fixture) : IClassFixture<MultilingualFixture>, IDisposable
{
    private const string Model = MultilingualFixture.Model;
    private const string Cyrillic = "Өтініш қабылданды, жауап он бес жұмыс күні ішінде беріледі.";
    private const string Latin = "Ötınış qabyldandy, jauap on bes jūmys künı ışınde berıledı.";

    private readonly GrpcChannel _tokenizerChannel = GrpcChannel.ForAddress(fixture.TokenizerAddress);
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private InferenceService.InferenceServiceClient Client => fixture.Host.Client;

    private TokenizerV1.TokenizerService.TokenizerServiceClient Tokenizer => new(_tokenizerChannel);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _tokenizerChannel.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task ListModels_XlmRobertaEncoder_ReadyWithItsPrefixesAndSentencePieceTokenizer()
    {
        var model = await Client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token);
        var tokenizers = await Tokenizer.ListTokenizersAsync(new TokenizerV1.ListTokenizersRequest(), cancellationToken: Token);

        Assert.Equal((ModelKind.Embedding, ModelState.Ready, Model, 512u, 32u), (model.Kind, model.State, model.Tokenizer, model.MaxContextTokens, model.EmbeddingDimensions));
        Assert.Equal(("query: ", "passage: "), (model.QueryPrefix, model.PassagePrefix));
        var tokenizer = tokenizers.Tokenizers.Single(t => t.Name == Model);
        Assert.Equal(TokenizerV1.TokenizerKind.Sentencepiece, tokenizer.Kind);
        Assert.Equal((0u, 1u, 512u), (tokenizer.BosTokenId, tokenizer.PadTokenId, tokenizer.MaxTokens));
    }

    [Fact]
    public async Task Embed_XlmRobertaEncoder_MeanPoolsTheModelOverFairseqFramedIds()
    {
        var response = await Client.EmbedAsync(new EmbedRequest { Model = Model, Inputs = { Cyrillic }, Normalize = false }, cancellationToken: Token);
        var ids = (await Tokenizer.TokenizeAsync(new TokenizerV1.TokenizeRequest { Tokenizer = Model, Texts = { Cyrillic }, AddSpecialTokens = true }, cancellationToken: Token)).Results[0].Ids;

        Assert.Equal(0u, ids[0]);
        Assert.Equal(2u, ids[^1]);
        Assert.DoesNotContain(3u, ids);
        Assert.Equal((uint)ids.Count, response.Usage.PromptTokens);
        var expected = fixture.Host.Encoder(Model).Embed([[.. ids.Select(i => (int)i)]], Token)[0];
        Assert.Equal(expected, response.Embeddings[0].Values, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public async Task Embed_InputType_PrefixChangesTheVectorAndCountsItsTokens()
    {
        var none = await EmbedAsync(Cyrillic, EmbedInputType.Unspecified);
        var query = await EmbedAsync(Cyrillic, EmbedInputType.Query);
        var passage = await EmbedAsync(Cyrillic, EmbedInputType.Passage);
        var spelledOut = await EmbedAsync("query: " + Cyrillic, EmbedInputType.Unspecified);
        var prefixTokens = (await Tokenizer.CountTokensAsync(new TokenizerV1.CountTokensRequest { Tokenizer = Model, Texts = { "query: " + Cyrillic, Cyrillic } }, cancellationToken: Token)).Counts;

        Assert.NotEqual(none.Embeddings[0].Values, query.Embeddings[0].Values);
        Assert.NotEqual(query.Embeddings[0].Values, passage.Embeddings[0].Values);
        Assert.Equal(spelledOut.Embeddings[0].Values, query.Embeddings[0].Values);
        Assert.Equal(none.Usage.PromptTokens + prefixTokens[0] - prefixTokens[1], query.Usage.PromptTokens);
        Assert.True(query.Usage.PromptTokens > none.Usage.PromptTokens);
        Assert.True(passage.Usage.PromptTokens > none.Usage.PromptTokens);
    }

    [Fact]
    public async Task Embed_LatinQuery_TheCyrillicQueryBehindTheUnconvertedPrefix()
    {
        var cyrillic = await EmbedAsync(Cyrillic, EmbedInputType.Query);
        var latin = await Client.EmbedAsync(
            new EmbedRequest { Model = Model, Inputs = { Latin }, InputType = EmbedInputType.Query, InputScript = Script.Latin }, cancellationToken: Token);

        Assert.Equal(cyrillic.Embeddings[0].Values, latin.Embeddings[0].Values);
        Assert.Equal(cyrillic.Usage.PromptTokens, latin.Usage.PromptTokens);
    }

    [Fact]
    public async Task Embeddings_OpenAiInputType_SameAsGrpcQuery()
    {
        var query = await EmbedAsync(Cyrillic, EmbedInputType.Query);

        using var response = await _http.PostAsync("/v1/embeddings", new StringContent(
            $$"""{"model":"{{Model}}","input":"{{Latin}}","input_type":"query","kazgrpc_input_script":"latin"}""", Encoding.UTF8, "application/json"), Token);

        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var json = JsonDocument.Parse(text).RootElement;
        var values = json.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle());
        Assert.Equal(query.Embeddings[0].Values, values, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal((int)query.Usage.PromptTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    private Task<EmbedResponse> EmbedAsync(string input, EmbedInputType type) =>
        Client.EmbedAsync(new EmbedRequest { Model = Model, Inputs = { input }, InputType = type }, cancellationToken: Token).ResponseAsync;
}
