using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Tracing;

/// <summary>
/// A caller's W3C trace through both services: tokenizer-svc and inference-svc in this process (so
/// that one listener sees both), each call made with the caller's own <c>traceparent</c>.
/// </summary>
public sealed class TracingTests(TokenizerProcessFixture models) : IAsyncLifetime
{
    private const string Text = "Өтініш қабылданды.";

    private readonly SpanCollector _spans = new();
    private InProcessServices? _services;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceService.InferenceServiceClient Client => _services!.Inference.Client;

    public async ValueTask InitializeAsync() => _services = await InProcessServices.StartAsync(models.ModelsDirectory, [], null, Token);

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _spans.Dispose();
    }

    [Fact]
    public async Task Embed_CallersTraceparent_OneTraceThroughBothServices()
    {
        var (trace, caller, headers) = CallersTrace();

        await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Text } }, headers, cancellationToken: Token);

        var spans = await _spans.WaitForAsync(trace,
            ["kazgrpc.tokenizer.hop", "kazgrpc.tokenizer.encode", "kazgrpc.batch.queue", "kazgrpc.batch", "kazgrpc.model.execute"], Token);
        var server = Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal(caller, server.ParentSpanId);

        var hop = ChildOf(spans, server, "kazgrpc.tokenizer.hop", ActivityKind.Client);
        Assert.Equal("TokenizeStream", Tag(hop, "rpc.method"));
        Assert.Equal("minilm", Tag(hop, "kazgrpc.tokenizer"));
        var encode = ChildOf(spans, hop, "kazgrpc.tokenizer.encode", ActivityKind.Server);
        Assert.Equal("1", Tag(encode, "kazgrpc.texts"));

        var queue = ChildOf(spans, server, "kazgrpc.batch.queue", ActivityKind.Internal);
        var batch = ChildOf(spans, server, "kazgrpc.batch", ActivityKind.Internal);
        Assert.Equal("1", Tag(batch, "kazgrpc.batch.size"));
        Assert.Contains(batch.Links, l => l.Context.SpanId == queue.SpanId);
        Assert.Contains(queue.Links, l => l.Context.SpanId == batch.SpanId);
        Assert.True(queue.StartTimeUtc + queue.Duration <= batch.StartTimeUtc + batch.Duration);
        var execute = ChildOf(spans, batch, "kazgrpc.model.execute", ActivityKind.Internal);
        Assert.Equal("minilm", Tag(execute, "kazgrpc.model"));

        AssertNoTextNorIds(spans);
    }

    [Fact]
    public async Task Generate_CallersTraceparent_OneTraceThroughBothServices()
    {
        var (trace, caller, headers) = CallersTrace();
        var request = new GenerateRequest
        {
            Model = "kaz-tiny",
            Messages = { new ChatMessage { Role = "user", Content = Text } },
            RequestId = "traced-generate-1",
            Parameters = new GenerationParameters { MaxNewTokens = 6, IgnoreEos = true },
        };

        using (var call = Client.Generate(request, headers, cancellationToken: Token))
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync(Token))
            {
            }
        }

        var spans = await _spans.WaitForAsync(trace,
        [
            "kazgrpc.tokenizer.hop", "kazgrpc.tokenizer.chat_template", "kazgrpc.generation.queue", "kazgrpc.generation.prefill",
            "kazgrpc.generation.decode", "kazgrpc.detokenize", "kazgrpc.tokenizer.decode",
        ], Token);

        // One server span per service that served a call of the trace: Generate, and the ApplyChatTemplate it made.
        var server = Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == caller);
        Assert.Equal(ActivityKind.Server, server.Kind);
        var hop = ChildOf(spans, server, "kazgrpc.tokenizer.hop", ActivityKind.Client);
        Assert.Equal("ApplyChatTemplate", Tag(hop, "rpc.method"));
        var tokenizerServer = Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == hop.SpanId);
        Assert.Equal(ActivityKind.Server, tokenizerServer.Kind);
        ChildOf(spans, tokenizerServer, "kazgrpc.tokenizer.chat_template", ActivityKind.Internal);

        var queue = ChildOf(spans, server, "kazgrpc.generation.queue", ActivityKind.Internal);
        var prefill = ChildOf(spans, server, "kazgrpc.generation.prefill", ActivityKind.Internal);
        var decode = ChildOf(spans, server, "kazgrpc.generation.decode", ActivityKind.Internal);
        Assert.True(queue.StartTimeUtc <= prefill.StartTimeUtc && prefill.StartTimeUtc <= decode.StartTimeUtc);
        Assert.Equal(Tag(hop, "kazgrpc.tokens"), Tag(prefill, "kazgrpc.prompt_tokens"));
        Assert.Equal("6", Tag(decode, "kazgrpc.generated_tokens"));
        Assert.Equal("5", Tag(decode, "kazgrpc.decode.steps"));
        Assert.Equal("Length", Tag(decode, "kazgrpc.finish_reason"));

        // Decoding is a span per request on each side, not a span per token.
        var detokenize = ChildOf(spans, server, "kazgrpc.detokenize", ActivityKind.Client);
        var decoded = ChildOf(spans, detokenize, "kazgrpc.tokenizer.decode", ActivityKind.Server);
        Assert.Equal("6", Tag(decoded, "kazgrpc.tokens"));
        Assert.Equal(2, spans.Count(s => s.Source.Name == "Microsoft.AspNetCore"));
        Assert.Equal(9, spans.Count);

        AssertNoTextNorIds(spans);
    }

    private static (ActivityTraceId Trace, ActivitySpanId Caller, Metadata Headers) CallersTrace()
    {
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        return (trace, caller, new Metadata { { "traceparent", $"00-{trace}-{caller}-01" } });
    }

    private static Activity Single(IReadOnlyList<Activity> spans, Func<Activity, bool> match)
    {
        var found = spans.Where(match).ToList();
        Assert.True(found.Count == 1, $"expected one such span; found {found.Count} among {string.Join(", ", spans.Select(s => s.OperationName))}");
        return found[0];
    }

    private static Activity ChildOf(IReadOnlyList<Activity> spans, Activity parent, string name, ActivityKind kind)
    {
        var span = Single(spans, s => s.OperationName == name);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(parent.TraceId, span.TraceId);
        Assert.Equal(kind, span.Kind);
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
        return span;
    }

    private static string? Tag(Activity span, string key) =>
        span.TagObjects.Where(t => t.Key == key).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();

    private static void AssertNoTextNorIds(IReadOnlyList<Activity> spans)
    {
        foreach (var span in spans.Where(s => s.Source.Name == Hosting.ServerTracing.SourceName))
        {
            foreach (var (key, value) in span.TagObjects)
            {
                Assert.DoesNotContain("id", key.Split('.', '_'));
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.True(text.Length <= 64 && !text.Contains("Өтініш", StringComparison.Ordinal) && !text.Contains("traced-generate", StringComparison.Ordinal),
                    $"{span.OperationName} has {key}={text}");
            }
        }
    }
}
