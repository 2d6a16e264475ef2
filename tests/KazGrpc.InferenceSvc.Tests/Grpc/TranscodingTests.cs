using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Grpc;

/// <summary>The JSON transcoding of InferenceService on the HTTP API endpoint, through a real HttpClient:
/// the same adapter, domain and error interceptor as gRPC.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class TranscodingTests(SharedInferenceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ListModels_Transcoded_ListsEveryModelWithItsState()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/models", Token));

        var models = json.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["identity", "kaz-tiny", "minilm"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.All(models, m => Assert.Equal("MODEL_STATE_READY", m.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task GetModel_Transcoded_TheModelInfoItself()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/models/minilm", Token));

        Assert.Equal("minilm", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("MODEL_KIND_EMBEDDING", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(384, json.RootElement.GetProperty("embeddingDimensions").GetInt32());
        Assert.Equal(512, json.RootElement.GetProperty("maxContextTokens").GetInt32());
    }

    [Fact]
    public async Task Embed_Transcoded_SameVectorsAsGrpc()
    {
        string[] inputs = ["Өтініш қабылданды.", "Заявление принято."];
        var grpc = await fixture.Host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { inputs } }, cancellationToken: Token);

        using var response = await _http.PostAsJsonAsync("/api/v1/models/minilm:embed", new { inputs }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var embeddings = json.RootElement.GetProperty("embeddings").EnumerateArray().ToList();
        Assert.Equal(2, embeddings.Count);
        for (var i = 0; i < embeddings.Count; i++)
        {
            var values = embeddings[i].GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToList();
            Assert.Equal(grpc.Embeddings[i].Values.Count, values.Count);
            Assert.All(values.Zip(grpc.Embeddings[i].Values), pair => Assert.Equal(pair.Second, pair.First, 1e-6f));
        }

        Assert.Equal((int)grpc.Usage.PromptTokens, json.RootElement.GetProperty("usage").GetProperty("promptTokens").GetInt32());
    }

    [Fact]
    public async Task Generate_Transcoded_StreamsChunksThenTheFinalWithoutLogprobs()
    {
        using var response = await _http.PostAsJsonAsync(
            "/api/v1/models/kaz-tiny:generate", new { prompt = "Сәлем", parameters = new { maxNewTokens = 3, ignoreEos = true } }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = (await response.Content.ReadAsStringAsync(Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var chunks = messages.Where(m => m.TryGetProperty("chunk", out _)).Select(m => m.GetProperty("chunk")).ToList();
        Assert.Equal(3, chunks.Sum(c => c.GetProperty("tokenIds").GetArrayLength()));
        Assert.All(chunks, c => Assert.Equal(0, c.GetProperty("logprobs").GetArrayLength()));
        var final = messages[^1].GetProperty("final");
        Assert.Equal("FINISH_REASON_LENGTH", final.GetProperty("finishReason").GetString());
        Assert.Equal(3, final.GetProperty("usage").GetProperty("completionTokens").GetInt32());
    }

    [Fact]
    public async Task Complete_TopPOutOfRange_400WithTheFieldViolationOfTheInterceptor()
    {
        using var response = await _http.PostAsJsonAsync(
            "/api/v1/models/kaz-tiny:complete", new { prompt = "Сәлем", parameters = new { maxNewTokens = 2, topP = 1.5 } }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(3, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("`parameters.top_p` must be in (0, 1]; got 1.5", json.RootElement.GetProperty("message").GetString());
        var detail = json.RootElement.GetProperty("details")[0];
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", detail.GetProperty("@type").GetString());
        Assert.Equal("parameters.top_p", detail.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task GetModel_Unknown_404ListingTheModels()
    {
        using var response = await _http.GetAsync("/api/v1/models/nope", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(5, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("model 'nope' was not found; available: identity, kaz-tiny, minilm", json.RootElement.GetProperty("message").GetString());
    }
}
