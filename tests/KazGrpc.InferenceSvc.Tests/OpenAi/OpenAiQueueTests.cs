using System.Net;
using System.Text;
using System.Text.Json;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Tests.Generation;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>Overload and queue timeouts through the OpenAI API, on an inference-svc whose KV cache has
/// one slot and whose queue holds one request for at most 3 s: 429 with Retry-After, then 504.</summary>
public sealed class OpenAiQueueTests(TokenizerProcessFixture tokenizer)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StringContent Chat(int maxTokens, bool stream = false) => new(
        $$"""{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем"}],"max_tokens":{{maxTokens}},"ignore_eos":true,"stream":{{(stream ? "true" : "false")}}}""",
        Encoding.UTF8,
        "application/json");

    [Fact]
    public async Task Chat_QueueFullThenQueueTimeout_429WithRetryAfterThen504()
    {
        await using var host = await InferenceHost.StartAsync(
            tokenizer, Token, "--KvCache:MaxSlots=1", "--Generation:MaxQueueSize=1", "--Generation:DefaultQueueTimeout=00:00:03");
        using var http = new HttpClient { BaseAddress = host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var hold = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(1500, stream: true) };
        hold.Headers.Add("X-Request-Id", "holder");
        using var holder = await http.SendAsync(hold, HttpCompletionOption.ResponseHeadersRead, Token);
        using var held = new ServerSentEventReader(await holder.Content.ReadAsStreamAsync(Token));
        Assert.NotNull(await held.NextAsync(Token));

        var queued = http.PostAsync("/v1/chat/completions", Chat(2), Token);
        await ModelPolling.WaitForAsync(host.Client, "kaz-tiny", m => m.WaitingRequests > 0, Token);
        using var rejected = await http.PostAsync("/v1/chat/completions", Chat(2), Token);
        using var timedOut = await queued;
        await host.Client.AbortAsync(new AbortRequest { RequestId = "holder" }, cancellationToken: Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {rejected.Headers.RetryAfter}");
        var overload = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal(("rate_limit_error", "rate_limit_exceeded"), (overload.GetProperty("type").GetString(), overload.GetProperty("code").GetString()));
        Assert.Equal("the generation queue of model kaz-tiny is full: 1 requests wait for a KV slot (limit 1)", overload.GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        var timeout = JsonDocument.Parse(await timedOut.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal(("server_error", "timeout"), (timeout.GetProperty("type").GetString(), timeout.GetProperty("code").GetString()));
        Assert.Contains("for a KV slot of model kaz-tiny; its deadline passed before it could start", timeout.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
