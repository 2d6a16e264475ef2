using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Tests.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>
/// Whatever the policy, identification and phone numbers never reach a log line, a span or an audit
/// line: both services in this process, logging everything at Debug, traced, and sent such numbers
/// everywhere a caller can put them (texts, prompts, messages, request ids, model names, stop
/// sequences), under the allow policy (the numbers reach the model) and the others.
/// </summary>
public sealed class SensitiveNumberLeakTests(TokenizerProcessFixture models) : IAsyncLifetime
{
    private const string Iin = "880101300123";
    private const string OtherIin = "951231400568";
    private const string Bin = "190540001230";
    private const string Phone = "+7 701 234 56 78";

    private readonly SpanCollector _spans = new();
    private InProcessServices? _services;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceService.InferenceServiceClient Client => _services!.Inference.Client;

    public async ValueTask InitializeAsync() => _services = await InProcessServices.StartAsync(
        models.ModelsDirectory, ["--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft=Debug"], builder => builder.Logging.AddFakeLogging(), Token);

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _spans.Dispose();
    }

    [Fact]
    public async Task EveryPolicy_NumbersEverywhereACallerPutsThem_NoneInLogsSpansOrAuditLines()
    {
        var text = $"Менің ЖСН-ім {Iin}, телефоным {Phone}, ұйымның БСН-і {Bin}.";
        var trace = new Metadata { { "traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" } };
        foreach (var policy in new[] { SensitiveNumberPolicy.Allow, SensitiveNumberPolicy.Mask })
        {
            await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { text }, RequestId = $"embed-{Iin}", SensitiveNumbers = policy }, trace, cancellationToken: Token);
            using var call = Client.Generate(
                new GenerateRequest
                {
                    Model = "kaz-tiny",
                    Messages = { new ChatMessage { Role = "user", Content = text } },
                    RequestId = $"chat-{OtherIin}-{policy}",
                    SensitiveNumbers = policy,
                    Parameters = new GenerationParameters { MaxNewTokens = 4, IgnoreEos = true, Stop = { OtherIin } },
                },
                trace,
                cancellationToken: Token);
            await foreach (var _ in call.ResponseStream.ReadAllAsync(Token))
            {
            }

            await Client.CompleteAsync(
                new GenerateRequest { Model = "kaz-tiny", Prompt = text, RequestId = $"complete-{policy}", SensitiveNumbers = policy, Parameters = new GenerationParameters { MaxNewTokens = 4 } },
                trace,
                cancellationToken: Token);
        }

        // Refusals whose messages could repeat what the caller sent.
        await Assert.ThrowsAsync<RpcException>(() => Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { text }, SensitiveNumbers = SensitiveNumberPolicy.Reject, RequestId = $"reject-{Iin}" }, trace, cancellationToken: Token).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => Client.EmbedAsync(
            new EmbedRequest { Model = $"model-{Bin}", Inputs = { text }, RequestId = $"missing-{OtherIin}" }, trace, cancellationToken: Token).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = Client.Generate(
                new GenerateRequest { Model = "kaz-tiny", Messages = { new ChatMessage { Role = $"clerk-{Iin}", Content = text } } }, trace, cancellationToken: Token);
            await call.ResponseStream.MoveNext(Token);
        });
        using (var http = new HttpClient { BaseAddress = _services!.Inference.HttpAddress })
        {
            using var embedded = await http.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = text }, Token);
            embedded.EnsureSuccessStatusCode();
            using var missing = await http.PostAsJsonAsync("/v1/embeddings", new { model = Bin, input = text }, Token);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }

        var tokenizerLogs = _services!.Tokenizer.App.Services.GetRequiredService<FakeLogCollector>();
        var lines = _services.Inference.Logs.GetSnapshot().Concat(tokenizerLogs.GetSnapshot())
            .Select(r => $"{r.Category}: {r.Message} {r.Exception} {string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? [])}")
            .ToList();
        Assert.Contains(lines, l => l.StartsWith(Hosting.Security.AuditLog.Category, StringComparison.Ordinal) && l.Contains("embed-[IIN]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("rejected", StringComparison.Ordinal));
        var spans = _spans.Stopped
            .Select(s => $"{s.OperationName} {s.DisplayName} {s.StatusDescription} "
                + string.Join(' ', s.TagObjects.Select(t => $"{t.Key}={Convert.ToString(t.Value, CultureInfo.InvariantCulture)}"))
                + string.Join(' ', s.Events.SelectMany(e => e.Tags.Select(t => Convert.ToString(t.Value, CultureInfo.InvariantCulture)))))
            .ToList();
        Assert.Contains(spans, s => s.Contains("kazgrpc.tokenizer.encode", StringComparison.Ordinal));

        foreach (var number in new[] { Iin, OtherIin, Bin, Phone, "7012345678" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(number, StringComparison.Ordinal));
            Assert.DoesNotContain(spans, s => s.Contains(number, StringComparison.Ordinal));
        }
    }
}
