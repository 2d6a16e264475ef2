using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>The audit line of each call on an inference-svc with auth on: its fields, and that no text
/// of a prompt or an output reaches any log line.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class AuditTests(AuthInferenceFixture fixture)
{
    // Words no other test sends, so that finding them in a log would be this test's leak.
    private const string SecretPrompt = "Жеке куәлік 990101300123, құпия өтініш мәтіні";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceHost Host => fixture.Host;

    [Fact]
    public async Task Generate_Served_OneLineWithTheCallerModelTokensAndStatusAndNoText()
    {
        var client = Host.ClientWith($"Bearer {AuthCallers.GeneratorKey}");
        var output = new StringBuilder();
        GenerationFinal? final = null;
        using (var call = client.Generate(
            new GenerateRequest
            {
                Model = "kaz-tiny",
                Prompt = SecretPrompt,
                RequestId = "audit-generate",
                Parameters = new GenerationParameters { MaxNewTokens = 12, IgnoreEos = true },
            },
            cancellationToken: Token))
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
            {
                output.Append(response.Chunk?.Text);
                final = response.Final ?? final;
            }
        }

        var line = await AuditLines.WaitForAsync(Host.Logs, "audit-generate", Token);

        Assert.Equal(AuditLines.Fields, line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("generator", line.GetProperty("caller").GetString());
        Assert.Equal("kazgrpc.inference.v1.InferenceService/Generate", line.GetProperty("rpc").GetString());
        Assert.Equal("grpc", line.GetProperty("transport").GetString());
        Assert.Equal("kaz-tiny", line.GetProperty("model").GetString());
        Assert.Equal((int)final!.Usage.PromptTokens, line.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, line.GetProperty("generated_tokens").GetInt32());
        Assert.Equal("OK", line.GetProperty("status").GetString());
        Assert.True(line.GetProperty("duration_ms").GetDouble() > 0);
        Assert.Matches("^([0-9a-f]{32})?$", line.GetProperty("trace_id").GetString());
        var time = DateTime.Parse(line.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(time, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow);

        var logged = Host.Logs.GetSnapshot().Select(r => r.Message).ToList();
        Assert.DoesNotContain(logged, m => m.Contains("990101300123", StringComparison.Ordinal) || m.Contains("құпия", StringComparison.Ordinal));
        if (output.Length >= 8)
        {
            Assert.DoesNotContain(logged, m => m.Contains(output.ToString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Refused_PermissionDeniedAndUnauthenticated_LinesSayWhoAndTheStatus()
    {
        var portal = Host.ClientWith($"Bearer {AuthCallers.PortalKey}");
        await Assert.ThrowsAsync<RpcException>(() => portal.EmbedAsync(
            new EmbedRequest { Model = "kaz-tiny", Inputs = { SecretPrompt }, RequestId = "audit-denied" }, cancellationToken: Token).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => Host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { SecretPrompt }, RequestId = "audit-anonymous" }, cancellationToken: Token).ResponseAsync);

        var denied = await AuditLines.WaitForAsync(Host.Logs, "audit-denied", Token);
        var unauthenticated = await AuditLines.WaitForAsync(Host.Logs, "audit-anonymous", Token);

        Assert.Equal(("egov-portal", "kaz-tiny", "PERMISSION_DENIED", 0), (
            denied.GetProperty("caller").GetString(), denied.GetProperty("model").GetString(), denied.GetProperty("status").GetString(),
            denied.GetProperty("prompt_tokens").GetInt32()));
        Assert.Equal((string.Empty, "UNAUTHENTICATED"), (unauthenticated.GetProperty("caller").GetString(), unauthenticated.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Embed_CallerSendsATraceParent_LineCarriesItsTraceId()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var headers = new Metadata
        {
            { "authorization", $"Bearer {AuthCallers.GeneratorKey}" },
            { "traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01" },
        };

        var response = await Host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "Сәлем", "әлем" }, RequestId = "audit-traced" }, headers, cancellationToken: Token);

        var line = await AuditLines.WaitForAsync(Host.Logs, "audit-traced", Token);
        Assert.Equal(traceId.ToHexString(), line.GetProperty("trace_id").GetString());
        Assert.Equal((int)response.Usage.PromptTokens, line.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(("minilm", 0), (line.GetProperty("model").GetString(), line.GetProperty("generated_tokens").GetInt32()));
    }

    [Fact]
    public async Task OpenAiChat_Served_LineNamesTheRouteAndTheTokens()
    {
        using var http = new HttpClient { BaseAddress = Host.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"kaz-tiny","messages":[{"role":"user","content":"{{SecretPrompt}}"}],"max_tokens":3,"ignore_eos":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", $"Bearer {AuthCallers.GeneratorKey}");
        request.Headers.Add("X-Request-Id", "audit-openai");

        using var response = await http.SendAsync(request, Token);
        response.EnsureSuccessStatusCode();
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("usage");

        var line = await AuditLines.WaitForAsync(Host.Logs, "audit-openai", Token);
        Assert.Equal(("generator", "POST /v1/chat/completions", "http", "kaz-tiny", "OK"), (
            line.GetProperty("caller").GetString(), line.GetProperty("rpc").GetString(), line.GetProperty("transport").GetString(),
            line.GetProperty("model").GetString(), line.GetProperty("status").GetString()));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), line.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, line.GetProperty("generated_tokens").GetInt32());
    }
}
