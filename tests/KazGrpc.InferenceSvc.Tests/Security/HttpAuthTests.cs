using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>Auth on the HTTP fronts: JSON transcoding answers a JSON google.rpc.Status with 401 or 403,
/// the OpenAI-compatible API answers 401, 403 and 429 in OpenAI's error shape.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class HttpAuthTests(AuthInferenceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = fixture.Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Chat(string? key, int maxTokens = 2, string model = "kaz-tiny")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Сәлем"}],"max_tokens":{{maxTokens}},"ignore_eos":true}""",
                Encoding.UTF8,
                "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("Authorization", $"Bearer {key}");
        }

        return request;
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");

    [Fact]
    public async Task Transcoded_NoCredentialThenModelNotGranted_401Then403AsJsonStatus()
    {
        using var anonymous = await _http.PostAsJsonAsync("/api/v1/models/minilm:embed", new { inputs = new[] { "Сәлем" } }, Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/models/kaz-tiny:embed") { Content = JsonContent.Create(new { inputs = new[] { "Сәлем" } }) };
        request.Headers.Add("x-api-key", AuthCallers.PortalKey);
        using var denied = await _http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var status = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal(16, status.GetProperty("code").GetInt32());
        Assert.StartsWith("no credential", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        status = JsonDocument.Parse(await denied.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal((7, "caller 'egov-portal' has no grant for model 'kaz-tiny'"), (status.GetProperty("code").GetInt32(), status.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Transcoded_WithKey_ListsTheCallersModels()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/models");
        request.Headers.Add("Authorization", $"Bearer {AuthCallers.PortalKey}");

        using var response = await _http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var models = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("models");
        Assert.Equal(["identity", "minilm"], models.EnumerateArray().Select(m => m.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OpenAi_NoCredentialOrWrongKey_401InOpenAisShape()
    {
        using var anonymous = await _http.SendAsync(Chat(null), Token);
        using var wrong = await _http.SendAsync(Chat("sk-wrong"), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        var error = await ErrorOf(anonymous);
        Assert.Equal(("invalid_request_error", "invalid_api_key"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.StartsWith("no credential", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("the API key is not valid (unknown or revoked)", (await ErrorOf(wrong)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task OpenAi_ModelOrRouteNotGranted_403InOpenAisShape()
    {
        using var model = await _http.SendAsync(Chat(AuthCallers.PortalKey), Token);
        using var route = await _http.SendAsync(Chat(AuthCallers.EmbedOnlyKey), Token);

        Assert.Equal(HttpStatusCode.Forbidden, model.StatusCode);
        var error = await ErrorOf(model);
        Assert.Equal(("invalid_request_error", "permission_denied", "model"), (
            error.GetProperty("type").GetString(), error.GetProperty("code").GetString(), error.GetProperty("param").GetString()));
        Assert.Equal("caller 'egov-portal' has no grant for model 'kaz-tiny'", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, route.StatusCode);
        Assert.Equal("caller 'embed-only' has no grant for RPC kazgrpc.inference.v1.InferenceService/Complete", (await ErrorOf(route)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task OpenAi_EmbeddingsOfAModelNotGranted_403BeforeItsDimensionsAreChecked()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings")
        {
            Content = new StringContent("""{"model":"minilm","input":"Сәлем","dimensions":12}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", $"Bearer {AuthCallers.TinyOnlyKey}");

        using var response = await _http.SendAsync(request, Token);

        // A wrong `dimensions` would otherwise be answered 400 with minilm's size, telling what the caller may not see.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("caller 'tiny-only' has no grant for model 'minilm'", (await ErrorOf(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task OpenAi_OverGeneratedTokensPerMinute_429WithRetryAfterInOpenAisShape()
    {
        using var first = await _http.SendAsync(Chat(AuthCallers.OpenAiQuotaKey, maxTokens: 4), Token);
        using var over = await _http.SendAsync(Chat(AuthCallers.OpenAiQuotaKey), Token);
        using var other = await _http.SendAsync(Chat(AuthCallers.GeneratorKey), Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.InRange(over.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        var error = await ErrorOf(over);
        Assert.Equal(("rate_limit_error", "rate_limit_exceeded"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.StartsWith("caller 'openai-quota' is over its quota of 4 generated tokens per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
