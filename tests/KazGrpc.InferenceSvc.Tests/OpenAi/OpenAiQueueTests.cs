using System.Net;
using System.Text;
using System.Text.Json;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Tests.Generation;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>Overload and queue timeouts through the OpenAI API, on an inference-svc whose KV cache has
/// one slot: a full queue answers 429 with Retry-After, a queue timeout 504.</summary>
public sealed class OpenAiQueueTests(TokenizerProcessFixture tokenizer)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static StringContent Chat(int maxTokens, bool stream = false) => new(
        $$"""{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем"}],"max_tokens":{{maxTokens}},"ignore_eos":true,"stream":{{(stream ? "true" : "false")}}}""",
        Encoding.UTF8,
        "application/json");

    [Fact]
    public async Task Chat_QueueFull_429WithRetryAfter()
    {
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--KvCache:MaxSlots=1", "--Generation:MaxQueueSize=1");
        using var http = new HttpClient { BaseAddress = host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        await using var held = await HoldTheSlotAsync(http);

        var queued = http.PostAsync("/v1/chat/completions", Chat(2), Token);
        await ModelPolling.WaitForAsync(host.Client, "kaz-tiny", m => m.WaitingRequests > 0, Token);
        using var rejected = await http.PostAsync("/v1/chat/completions", Chat(2), Token);
        await host.Client.AbortAsync(new AbortRequest { RequestId = "holder" }, cancellationToken: Token);
        using var served = await queued;

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.True(rejected.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {rejected.Headers.RetryAfter}");
        var overload = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal(("rate_limit_error", "rate_limit_exceeded"), (overload.GetProperty("type").GetString(), overload.GetProperty("code").GetString()));
        Assert.Equal("the generation queue of model kaz-tiny is full: 1 requests wait for a KV slot (limit 1)", overload.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Chat_QueueTimeout_504()
    {
        // A short queue timeout, so that the holder's 1500 tokens outlast it however fast the machine decodes.
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--KvCache:MaxSlots=1", "--Generation:DefaultQueueTimeout=00:00:00.5");
        using var http = new HttpClient { BaseAddress = host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        await using var held = await HoldTheSlotAsync(http);

        using var timedOut = await http.PostAsync("/v1/chat/completions", Chat(2), Token);
        await host.Client.AbortAsync(new AbortRequest { RequestId = "holder" }, cancellationToken: Token);

        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        var timeout = JsonDocument.Parse(await timedOut.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error");
        Assert.Equal(("server_error", "timeout"), (timeout.GetProperty("type").GetString(), timeout.GetProperty("code").GetString()));
        Assert.Contains("for a KV slot of model kaz-tiny; its deadline passed before it could start", timeout.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Starts a streamed chat of 1500 tokens (request id <c>holder</c>) and returns once its first event is read, so the one KV slot is taken.</summary>
    private static async Task<IAsyncDisposable> HoldTheSlotAsync(HttpClient http)
    {
        var hold = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(1500, stream: true) };
        hold.Headers.Add("X-Request-Id", "holder");
        var holder = await http.SendAsync(hold, HttpCompletionOption.ResponseHeadersRead, Token);
        var events = new ServerSentEventReader(await holder.Content.ReadAsStreamAsync(Token));
        Assert.NotNull(await events.NextAsync(Token));
        return new Held(hold, holder, events);
    }

    private sealed record Held(HttpRequestMessage Request, HttpResponseMessage Response, ServerSentEventReader Events) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Events.Dispose();
            Response.Dispose();
            Request.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
