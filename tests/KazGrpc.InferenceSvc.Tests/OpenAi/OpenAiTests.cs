using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Tests.Generation;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>The OpenAI-compatible API on the HTTP API endpoint, through a real HttpClient against the
/// shared inference-svc: models, embeddings, completions and chat, streamed and not.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class OpenAiTests(SharedInferenceFixture fixture) : IDisposable
{
    private const string Model = "kaz-tiny";

    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<JsonElement> PostAsync(string route, string body)
    {
        using var response = await _http.PostAsync(route, Json(body), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Models_ListsEveryModelAsOpenAiModelObjects()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/v1/models", Token));

        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var models = json.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["identity", "kaz-tiny", "minilm"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal("kazgrpc", m.GetProperty("owned_by").GetString());
            Assert.True(m.GetProperty("created").GetInt64() > 0);
        });
    }

    [Fact]
    public async Task Model_ByName_OneModelObject()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/v1/models/kaz-tiny", Token));

        Assert.Equal("kaz-tiny", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(2048, json.RootElement.GetProperty("max_model_len").GetInt32());
    }

    [Fact]
    public async Task Embeddings_StringArray_SameVectorsAsGrpcInInputOrder()
    {
        string[] inputs = ["Өтініш қабылданды.", "Hello, world."];
        var grpc = await fixture.Host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { inputs } }, cancellationToken: Token);

        var json = await PostAsync("/v1/embeddings", """{"model":"minilm","input":["Өтініш қабылданды.","Hello, world."]}""");

        Assert.Equal("list", json.GetProperty("object").GetString());
        Assert.Equal("minilm", json.GetProperty("model").GetString());
        var data = json.GetProperty("data").EnumerateArray().ToList();
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var values = data[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToList();
            Assert.Equal(384, values.Count);
            Assert.All(values.Zip(grpc.Embeddings[i].Values), pair => Assert.Equal(pair.Second, pair.First, 1e-6f));
        }

        var usage = json.GetProperty("usage");
        Assert.Equal((int)grpc.Usage.PromptTokens, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal((int)grpc.Usage.PromptTokens, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Embeddings_Base64_TheLittleEndianFloatsOfTheVector()
    {
        var floats = await PostAsync("/v1/embeddings", """{"model":"minilm","input":"Сәлем","dimensions":384}""");
        var base64 = await PostAsync("/v1/embeddings", """{"model":"minilm","input":"Сәлем","encoding_format":"base64"}""");

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, decoded, 0, bytes.Length);
        Assert.Equal(floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()), decoded);
    }

    [Fact]
    public async Task Completions_Greedy_SameTextAndUsageAsGrpcComplete()
    {
        var grpc = await fixture.Host.Client.CompleteAsync(new GenerateRequest
        {
            Model = Model,
            Prompt = "Қазақстан Республикасы",
            Parameters = new GenerationParameters { MaxNewTokens = 6, IgnoreEos = true },
        }, cancellationToken: Token);

        var json = await PostAsync("/v1/completions",
            """{"model":"kaz-tiny","prompt":["Қазақстан Республикасы"],"max_tokens":6,"temperature":0,"ignore_eos":true,"user":"u-1"}""");

        Assert.Equal("text_completion", json.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choice = json.GetProperty("choices")[0];
        Assert.Equal(grpc.Text, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        var usage = json.GetProperty("usage");
        Assert.Equal(((int)grpc.Usage.PromptTokens, 6, (int)grpc.Usage.PromptTokens + 6),
            (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
    }

    [Fact]
    public async Task Completions_MaxTokensUnset_SixteenTokensAsOpenAi()
    {
        var json = await PostAsync("/v1/completions", """{"model":"kaz-tiny","prompt":"Сәлем","ignore_eos":true}""");

        Assert.Equal(16, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_Logprobs_EachTokenWithItsAlternatives()
    {
        var json = await PostAsync("/v1/completions", """{"model":"kaz-tiny","prompt":[9125,1618,7],"max_tokens":3,"temperature":0,"ignore_eos":true,"logprobs":2}""");

        var logprobs = json.GetProperty("choices")[0].GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.All(tokens, t => Assert.StartsWith("token_id:", t, StringComparison.Ordinal));
        Assert.All(logprobs.GetProperty("token_logprobs").EnumerateArray(), l => Assert.True(l.GetSingle() <= 0));
        var top = logprobs.GetProperty("top_logprobs").EnumerateArray().ToList();
        Assert.All(top, alternatives => Assert.Equal(2, alternatives.EnumerateObject().Count()));
        // Greedy: the chosen token is the most likely one.
        Assert.Equal(tokens[0], top[0].EnumerateObject().First().Name);
    }

    [Fact]
    public async Task Chat_NotStreamed_TheAssistantMessageWithUsage()
    {
        var grpcRequest = new GenerateRequest { Model = Model, Parameters = new GenerationParameters { MaxNewTokens = 5, IgnoreEos = true } };
        grpcRequest.Messages.Add(new ChatMessage { Role = "system", Content = "Сен көмекшісің." });
        grpcRequest.Messages.Add(new ChatMessage { Role = "user", Content = "Сәлем!" });
        var grpc = await fixture.Host.Client.CompleteAsync(grpcRequest, cancellationToken: Token);

        var json = await PostAsync("/v1/chat/completions", """
            {"model":"kaz-tiny","messages":[{"role":"developer","content":"Сен көмекшісің."},{"role":"user","content":[{"type":"text","text":"Сәлем!"}]}],
             "max_completion_tokens":5,"temperature":0,"ignore_eos":true}
            """);

        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", json.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(grpc.Text, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal((int)grpc.Usage.PromptTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_Streamed_RoleThenContentThenFinishThenUsageThenDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""
                {"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем!"}],"max_tokens":6,"temperature":0.8,"seed":7,
                 "ignore_eos":true,"logprobs":true,"top_logprobs":2,"stream":true,"stream_options":{"include_usage":true}}
                """),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var events = await ServerSentEventReader.ReadToEndAsync(await response.Content.ReadAsStreamAsync(Token), Token);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());

        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var content = chunks.Skip(1).SkipLast(2).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.All(content, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        Assert.Equal(6, content.Sum(c => c.GetProperty("logprobs").GetProperty("content").GetArrayLength()));
        Assert.All(content.SelectMany(c => c.GetProperty("logprobs").GetProperty("content").EnumerateArray()),
            token => Assert.Equal(2, token.GetProperty("top_logprobs").GetArrayLength()));

        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(6, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.False(c.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Chat_StreamedSameSeed_SameTextAsNotStreamed()
    {
        const string Body = """{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем!"}],"max_tokens":8,"temperature":0.9,"top_p":0.95,"seed":42,"ignore_eos":true""";
        var whole = (await PostAsync("/v1/chat/completions", Body + "}")).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        using var response = await _http.PostAsync("/v1/chat/completions", Json(Body + ""","stream":true}"""), Token);
        var events = await ServerSentEventReader.ReadToEndAsync(await response.Content.ReadAsStreamAsync(Token), Token);

        var streamed = string.Concat(events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : ""));
        Assert.Equal(whole, streamed);
    }

    [Fact]
    public async Task Completions_Streamed_TextChunksThenFinishThenDone()
    {
        using var response = await _http.PostAsync("/v1/completions",
            Json("""{"model":"kaz-tiny","prompt":"Сәлем","max_tokens":5,"ignore_eos":true,"stream":true}"""), Token);

        var events = await ServerSentEventReader.ReadToEndAsync(await response.Content.ReadAsStreamAsync(Token), Token);

        Assert.Equal("[DONE]", events[^1]);
        var choices = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal("length", choices[^1].GetProperty("finish_reason").GetString());
        Assert.All(choices[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task Chat_StreamAbortedByRequestId_EndsWithAbort()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем!"}],"max_tokens":1500,"ignore_eos":true,"stream":true}"""),
        };
        request.Headers.Add("X-Request-Id", "openai-abort-1");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal("openai-abort-1", response.Headers.GetValues("x-request-id").Single());
        using var reader = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(Token));
        Assert.NotNull(await reader.NextAsync(Token));

        var abort = await fixture.Host.Client.AbortAsync(new AbortRequest { RequestId = "openai-abort-1" }, cancellationToken: Token);

        Assert.True(abort.WasRunning);
        var rest = await reader.ReadAllAsync(Token);
        Assert.Equal("[DONE]", rest[^1]);
        Assert.Equal("abort", JsonDocument.Parse(rest[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Chat_CallerDisconnectsMidStream_FreesTheSlotAndKv()
    {
        // No draining of the rest of the response on dispose: the connection closes at once.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = fixture.Host.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json("""{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем!"}],"max_tokens":1500,"ignore_eos":true,"stream":true}"""),
        };
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token))
        {
            using var reader = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(Token));
            Assert.NotNull(await reader.NextAsync(Token));
            Assert.NotNull(await reader.NextAsync(Token));
            var busy = await fixture.Host.Client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token);
            Assert.True(busy.RunningRequests >= 1 && busy.KvCacheUsage > 0, $"running {busy.RunningRequests}, KV {busy.KvCacheUsage}");
        }

        var model = await ModelPolling.WaitUntilIdleAsync(fixture.Host.Client, Model, Token);

        Assert.Equal((0u, 0.0), (model.RunningRequests, model.KvCacheUsage));
    }

    [Fact]
    public async Task Routes_OnTheMetricsEndpoint_404()
    {
        using var metrics = new HttpClient { BaseAddress = fixture.Host.MetricsAddress };

        using var response = await metrics.GetAsync("/v1/models", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Chat_JsonWithoutContentType_ReadAnyway()
    {
        using var content = new StringContent("""{"model":"kaz-tiny","messages":[{"role":"user","content":"x"}],"max_tokens":1}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");

        using var response = await _http.PostAsync("/v1/chat/completions", content, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
