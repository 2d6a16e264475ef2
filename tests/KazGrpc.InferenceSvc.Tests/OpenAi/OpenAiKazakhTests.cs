using System.Net;
using System.Text;
using System.Text.Json;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>The OpenAI routes' extensions for Kazakh: <c>kazgrpc_input_script</c> on embeddings,
/// completions and chat, and <c>input_type</c> on embeddings (its prefixes are tested on a model
/// that has them, in <c>MultilingualEmbedTests</c>).</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class OpenAiKazakhTests(SharedInferenceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Embeddings_LatinInputScript_SameVectorAsTheCyrillic()
    {
        var cyrillic = await fixture.Host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды." } }, cancellationToken: Token);

        var json = await PostAsync("/v1/embeddings", """{"model":"minilm","input":"Ötınış qabyldandy.","kazgrpc_input_script":"latin"}""");

        var values = json.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle());
        Assert.Equal(cyrillic.Embeddings[0].Values, values, (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal((int)cyrillic.Usage.PromptTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_LatinInputScript_SameCompletionAsTheCyrillic()
    {
        const string Body = """{"model":"kaz-tiny","messages":[{"role":"user","content":"%"}],"max_tokens":6,"temperature":0,"ignore_eos":true%}""";

        var cyrillic = await PostAsync("/v1/chat/completions", Fill(Body, "Сәлем, әлем!", ""));
        var latin = await PostAsync("/v1/chat/completions", Fill(Body, "Sälem, älem!", ""","kazgrpc_input_script":"latin" """));

        Assert.Equal(Content(cyrillic), Content(latin));
        Assert.Equal(cyrillic.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), latin.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_LatinInputScript_SameCompletionAsTheCyrillic()
    {
        const string Body = """{"model":"kaz-tiny","prompt":"%","max_tokens":6,"temperature":0,"ignore_eos":true%}""";

        var cyrillic = await PostAsync("/v1/completions", Fill(Body, "Қазақстан Республикасы", ""));
        var latin = await PostAsync("/v1/completions", Fill(Body, "Qazaqstan Respublikasy", ""","kazgrpc_input_script":"latin" """));

        Assert.Equal(cyrillic.GetProperty("choices")[0].GetProperty("text").GetString(), latin.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(cyrillic.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), latin.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"minilm","input":"x","kazgrpc_input_script":"arabic"}""", "kazgrpc_input_script",
        "`kazgrpc_input_script` must be 'latin' or 'cyrillic'; got 'arabic'")]
    [InlineData("/v1/completions", """{"model":"kaz-tiny","prompt":"x","kazgrpc_input_script":"LATIN"}""", "kazgrpc_input_script",
        "`kazgrpc_input_script` must be 'latin' or 'cyrillic'; got 'LATIN'")]
    [InlineData("/v1/chat/completions", """{"model":"kaz-tiny","messages":[{"role":"user","content":"x"}],"kazgrpc_input_script":""}""", "kazgrpc_input_script",
        "`kazgrpc_input_script` must be 'latin' or 'cyrillic'; got ''")]
    [InlineData("/v1/embeddings", """{"model":"minilm","input":"x","input_type":"document"}""", "input_type",
        "`input_type` must be 'query' or 'passage'; got 'document'")]
    public async Task Request_BadKazakhOption_400NamingTheParameter(string route, string body, string param, string message)
    {
        using var response = await _http.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    private static string Fill(string body, string text, string extra)
    {
        var first = body.IndexOf('%', StringComparison.Ordinal);
        var filled = string.Concat(body.AsSpan(0, first), text, body.AsSpan(first + 1));
        return filled.Replace("%", extra.TrimEnd(), StringComparison.Ordinal);
    }

    private static string? Content(JsonElement chat) => chat.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    private async Task<JsonElement> PostAsync(string route, string body)
    {
        using var response = await _http.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
