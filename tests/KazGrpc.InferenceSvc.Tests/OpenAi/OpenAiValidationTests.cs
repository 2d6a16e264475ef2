using System.Net;
using System.Text;
using System.Text.Json;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>Every bad OpenAI request gets OpenAI's error shape with the HTTP status, the parameter in
/// OpenAI's names, and the words of the rule and the value; the domain's own validation applies.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class OpenAiValidationTests(SharedInferenceFixture fixture) : IDisposable
{
    private const string Chat = "/v1/chat/completions";
    private const string Completions = "/v1/completions";
    private const string Embeddings = "/v1/embeddings";
    private const string Message = """
        "model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем"}]
        """;

    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    public static TheoryData<string, string, int, string?, string> Invalid => new()
    {
        { Chat, ChatWith(""" "n":2"""), 400, "n", "`n` must be 1 (one choice per request); got 2" },
        { Chat, ChatWith(""" "top_p":1.5"""), 400, "top_p", "`top_p` must be in (0, 1]; got 1.5" },
        { Chat, ChatWith(""" "temperature":2.5"""), 400, "temperature", "`temperature` must be finite and in [0, 2]; got 2.5" },
        { Chat, ChatWith(""" "max_tokens":0"""), 400, "max_tokens", "`max_tokens` must be >= 1; got 0" },
        { Chat, ChatWith(""" "max_completion_tokens":5000"""), 400, "max_completion_tokens",
            "max_completion_tokens is 5,000; together they must be <= 2,048 (the context of model 'kaz-tiny')" },
        { Chat, ChatWith(""" "max_tokens":4,"min_tokens":6"""), 400, "min_tokens", "`min_tokens` must be <= max_tokens (4); got 6" },
        { Chat, ChatWith(""" "presence_penalty":3"""), 400, "presence_penalty", "`presence_penalty` must be in [-2, 2]; got 3" },
        { Chat, ChatWith(""" "frequency_penalty":-2.5"""), 400, "frequency_penalty", "`frequency_penalty` must be in [-2, 2]; got -2.5" },
        { Chat, ChatWith(""" "repetition_penalty":0"""), 400, "repetition_penalty", "`repetition_penalty` must be finite and > 0; got 0" },
        { Chat, ChatWith(""" "min_p":2"""), 400, "min_p", "`min_p` must be in [0, 1]; got 2" },
        { Chat, ChatWith(""" "top_k":-5"""), 400, "top_k", "`top_k` must be -1 or 0 (off) or >= 1; got -5" },
        { Chat, ChatWith(""" "logit_bias":{"abc":1}"""), 400, "logit_bias", "`logit_bias` must be keyed by token ids; got the key 'abc'" },
        { Chat, ChatWith(""" "logit_bias":{"5":101}"""), 400, "logit_bias[5]", "`logit_bias[5]` must be in [-100, 100]; got 101" },
        { Chat, ChatWith(""" "logit_bias":{"300000":1}"""), 400, "logit_bias[300000]", "must be keyed by a token id in [0, 200,019); got 300000" },
        { Chat, ChatWith(""" "stop":["a","b","c","d","e","f","g","h","i"]"""), 400, "stop", "`stop` must be at most 8 strings; got 9" },
        { Chat, ChatWith(""" "stop":[""]"""), 400, "stop[0]", "`stop[0]` must be non-empty; got an empty string" },
        { Chat, ChatWith(""" "stop":5"""), 400, "stop", "`stop` must be a string or an array of strings; got the number 5" },
        { Chat, ChatWith(""" "logprobs":true,"top_logprobs":21"""), 400, "top_logprobs", "`top_logprobs` must be <= 20; got 21" },
        { Chat, ChatWith(""" "top_logprobs":2"""), 400, "top_logprobs", "`top_logprobs` needs `logprobs` set to true" },
        { Chat, ChatWith(""" "stream_options":{"include_usage":true}"""), 400, "stream_options", "`stream_options` needs `stream` set to true" },
        { Chat, ChatWith(""" "tools":[{"type":"function","function":{"name":"f"}}]"""), 400, "tools", "`tools` must be empty (this server has no tool calling)" },
        { Chat, ChatWith(""" "response_format":{"type":"json_object"}"""), 400, "response_format", "`response_format` must be {\"type\": \"text\"}" },
        { Chat, ChatWith(""" "temperature":"hot" """), 400, "temperature", "`temperature` has a value of the wrong type" },
        { Chat, """{"model":"kaz-tiny","messages":[]}""", 400, "messages", "`messages` must contain at least 1 message; got 0" },
        { Chat, """{"model":"kaz-tiny","messages":[{"role":"robot","content":"x"}]}""", 400, "messages[0].role",
            "`messages[0].role` must be one of system, developer, user, assistant, tool; got 'robot'" },
        { Chat, """{"model":"kaz-tiny","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", 400,
            "messages[0].content[0]", "`messages[0].content[0]` must be a text part" },
        { Chat, """{"messages":[{"role":"user","content":"x"}]}""", 400, "model", "`model` is required" },
        { Chat, """{"model":"minilm","messages":[{"role":"user","content":"x"}]}""", 400, "model",
            "`model` 'minilm' is an embedding model; Generate needs a generation model (kaz-tiny)" },
        { Chat, """{"model":"nope","messages":[{"role":"user","content":"x"}]}""", 404, "model", "model 'nope' was not found; available: identity, kaz-tiny, minilm" },
        { Chat, "not json", 400, null, "the request body must be a JSON object" },
        { Completions, """{"model":"kaz-tiny","prompt":["a","b"]}""", 400, "prompt", "(one prompt per request); got 2 prompts" },
        { Completions, """{"model":"kaz-tiny","prompt":""}""", 400, "prompt", "`prompt` must not be empty" },
        { Completions, """{"model":"kaz-tiny","prompt":[1,250000]}""", 400, "prompt[1]", "`prompt[1]` must be a token id in [0, 200,019); got 250000" },
        { Completions, """{"model":"kaz-tiny","prompt":"x","echo":true}""", 400, "echo", "`echo` must be false" },
        { Completions, """{"model":"kaz-tiny","prompt":"x","best_of":2}""", 400, "best_of", "`best_of` must be 1 (one sequence per request); got 2" },
        { Completions, """{"model":"kaz-tiny","prompt":"x","logprobs":21}""", 400, "logprobs", "`logprobs` must be <= 20; got 21" },
        { Completions, """{"model":"kaz-tiny","prompt":"x","max_tokens":-1}""", 400, "max_tokens", "`max_tokens` must be >= 1; got -1" },
        { Completions, """{"model":"kaz-tiny","prompt":"x","n":3}""", 400, "n", "`n` must be 1 (one choice per request); got 3" },
        { Completions, """{"model":"nope","prompt":"x"}""", 404, "model", "model 'nope' was not found" },
        { Embeddings, """{"model":"minilm","input":[]}""", 400, "input", "`input` must contain at least 1 text; got 0" },
        { Embeddings, """{"model":"minilm","input":[[1,2]]}""", 400, "input", "`input` must be a string or an array of strings" },
        { Embeddings, """{"model":"minilm","input":"x","encoding_format":"int8"}""", 400, "encoding_format",
            "`encoding_format` must be 'float' or 'base64'; got 'int8'" },
        { Embeddings, """{"model":"minilm","input":"x","dimensions":128}""", 400, "dimensions",
            "`dimensions` must be 384 (model 'minilm' makes vectors of that size only); got 128" },
        { Embeddings, """{"model":"kaz-tiny","input":"x"}""", 400, "model", "`model` 'kaz-tiny' is a generation model; Embed needs an embedding model" },
        { Embeddings, """{"model":"nope","input":"x"}""", 404, "model", "model 'nope' was not found" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Request_Invalid_OpenAiErrorWithStatusParamAndWords(string route, string body, int status, string? param, string words)
    {
        var error = await FailAsync(route, body, status);

        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(words, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(status == 404 ? "model_not_found" : null, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Embeddings_InputBeyondTheModel_400NamingTheInputAndTruncateCutsIt()
    {
        var input = string.Join(' ', Enumerable.Repeat("word", 600));

        var error = await FailAsync(Embeddings, $$"""{"model":"minilm","input":["short","{{input}}"]}""", 400);
        using var cut = await _http.PostAsync(Embeddings, Json($$"""{"model":"minilm","input":["{{input}}"],"truncate":true}"""), Token);

        Assert.Equal("input[1]", error.GetProperty("param").GetString());
        Assert.Equal("`input[1]` has 602 tokens; model 'minilm' takes at most 512 (set `truncate` to cut it)", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
    }

    [Fact]
    public async Task Chat_PriorityHeaderOutOfRange_400NamingTheHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = Json(ChatWith(null)) };
        request.Headers.Add("kazgrpc-priority", "9");

        using var response = await _http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal("kazgrpc-priority", error.GetProperty("param").GetString());
        Assert.Equal("`kazgrpc-priority` must be in [0, 2] (1 is the highest, 0 the default); got 9", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Chat_RequestIdOverTheLimit_400NamingTheHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = Json(ChatWith(null)) };
        request.Headers.Add("X-Request-Id", new string('r', 129));

        using var response = await _http.SendAsync(request, Token);

        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal((HttpStatusCode.BadRequest, "x-request-id"), (response.StatusCode, error.GetProperty("param").GetString()));
        Assert.Equal("`x-request-id` must be at most 128 bytes; got 129", error.GetProperty("message").GetString());
    }

    private static string ChatWith(string? members) => members is null ? $"{{{Message}}}" : $"{{{Message},{members.Trim()}}}";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<JsonElement> FailAsync(string route, string body, int status)
    {
        using var response = await _http.PostAsync(route, Json(body), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.GetProperty("error");
    }
}
