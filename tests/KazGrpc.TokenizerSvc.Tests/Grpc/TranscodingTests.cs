using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>The JSON transcoding of TokenizerService on the HTTP API endpoint, through a real HttpClient:
/// the same service methods as gRPC, their errors as JSON status with the google.rpc details, and
/// each route only on its own endpoint.</summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class TranscodingTests(TokenizerServiceFixture fixture) : IDisposable
{
    private const string TokenizeMethod = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/Tokenize\"";

    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Tokenize_Transcoded_SameIdsAndOffsetsAsGrpc()
    {
        const string Text = "Сәлем, әлем! 🙂";
        var grpc = await fixture.Client.TokenizeAsync(
            new TokenizeRequest { Tokenizer = "o200k_base", Texts = { Text }, ReturnOffsets = true }, cancellationToken: Token);

        using var response = await _http.PostAsJsonAsync("/api/v1/tokenizers/o200k_base:tokenize", new { texts = new[] { Text }, returnOffsets = true }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var result = json.RootElement.GetProperty("results")[0];
        Assert.Equal(grpc.Results[0].Ids, result.GetProperty("ids").EnumerateArray().Select(i => i.GetUInt32()));
        Assert.Equal(grpc.Results[0].Offsets.Select(o => (o.Start, o.End)),
            result.GetProperty("offsets").EnumerateArray().Select(o => (o.GetProperty("start").GetUInt32(), o.GetProperty("end").GetUInt32())));
    }

    [Fact]
    public async Task ListTokenizers_Transcoded_ListsEveryTokenizerWithProtoJsonNames()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/tokenizers", Token));

        var o200k = json.RootElement.GetProperty("tokenizers").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "o200k_base");
        Assert.Equal(200019u, o200k.GetProperty("vocabSize").GetUInt32());
        Assert.Equal("TOKENIZER_KIND_TIKTOKEN", o200k.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task CountTokens_Transcoded_CountsEachText()
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/tokenizers/gpt2:countTokens", new { texts = new[] { "one", "two words" } }, Token);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal([1u, 2u], json.RootElement.GetProperty("counts").EnumerateArray().Select(c => c.GetUInt32()));
    }

    [Fact]
    public async Task Tokenize_UnknownTokenizer_404WithJsonStatusAndResourceInfo()
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/tokenizers/nope:tokenize", new { texts = new[] { "x" } }, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(5, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("tokenizer 'nope' was not found; available: cl100k_base, gpt2, llama3-test, minilm, o200k_base", json.RootElement.GetProperty("message").GetString());
        var detail = json.RootElement.GetProperty("details")[0];
        Assert.Equal("type.googleapis.com/google.rpc.ResourceInfo", detail.GetProperty("@type").GetString());
        Assert.Equal("nope", detail.GetProperty("resourceName").GetString());
    }

    [Fact]
    public async Task Tokenize_NoTexts_400WithTheFieldViolationAndTheInterceptorCountsIt()
    {
        var before = await PrometheusText.ScrapeAsync(fixture.MetricsAddress, Token);

        using var response = await _http.PostAsJsonAsync("/api/v1/tokenizers/gpt2:tokenize", new { texts = Array.Empty<string>() }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(3, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("`texts` must contain at least 1 text; got 0", json.RootElement.GetProperty("message").GetString());
        var violation = json.RootElement.GetProperty("details")[0].GetProperty("fieldViolations")[0];
        Assert.Equal("texts", violation.GetProperty("field").GetString());
        var after = await PrometheusText.ScrapeAsync(fixture.MetricsAddress, Token);
        Assert.Equal(1, PrometheusText.Sum(after, "kazgrpc_rpc_server_requests_total", TokenizeMethod, "rpc_grpc_status_code=\"InvalidArgument\"")
            - PrometheusText.Sum(before, "kazgrpc_rpc_server_requests_total", TokenizeMethod, "rpc_grpc_status_code=\"InvalidArgument\""));
    }

    [Fact]
    public async Task Routes_OnAnotherEndpoint_404()
    {
        using var metricsPort = new HttpClient { BaseAddress = fixture.MetricsAddress };

        using var transcodedOnMetrics = await metricsPort.GetAsync("/api/v1/tokenizers", Token);
        using var metricsOnHttp = await _http.GetAsync("/metrics", Token);
        using var metricsOnMetrics = await metricsPort.GetAsync("/metrics", Token);

        Assert.Equal(HttpStatusCode.NotFound, transcodedOnMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, metricsOnHttp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsOnMetrics.StatusCode);
    }
}
