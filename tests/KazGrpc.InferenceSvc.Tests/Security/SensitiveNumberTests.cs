using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using ProtoKind = KazGrpc.Contracts.Inference.V1.SensitiveNumberKind;
using ProtoPolicy = KazGrpc.Contracts.Inference.V1.SensitiveNumberPolicy;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>The IIN/BIN and phone guard on Embed, Generate and the OpenAI-compatible API: the end
/// caller's policy, set on inference-svc, carried through the hop to tokenizer-svc, which masks.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class SensitiveNumberTests(AuthInferenceFixture fixture)
{
    // A valid IIN at code points 13-25 and a phone at 37-53.
    private const string Kazakh = "Менің ЖСН-ім 880101300123, телефоным +7 701 234 56 78.";
    private const string KazakhMasked = "Менің ЖСН-ім [IIN], телефоным [PHONE].";

    // A valid BIN at code points 4-16; the order number has no valid check digit.
    private const string Russian = "БИН 190540001230, заказ № 123456789012.";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceHost Host => fixture.Host;

    private InferenceService.InferenceServiceClient As(string key) => Host.ClientWith($"Bearer {key}");

    [Fact]
    public async Task Embed_MaskCaller_EmbedsThePlaceholdersAndReportsTheSpans()
    {
        var masked = await As(AuthCallers.MaskKey).EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Kazakh, Russian }, ReturnSensitiveSpans = true }, cancellationToken: Token);
        var placeholders = await As(AuthCallers.GeneratorKey).EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { KazakhMasked, "БИН [BIN], заказ № 123456789012." } }, cancellationToken: Token);
        var plain = await As(AuthCallers.GeneratorKey).EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Kazakh } }, cancellationToken: Token);

        Assert.Equal(placeholders.Embeddings[0].Values, masked.Embeddings[0].Values);
        Assert.Equal(placeholders.Embeddings[1].Values, masked.Embeddings[1].Values);
        Assert.NotEqual(plain.Embeddings[0].Values, masked.Embeddings[0].Values);
        Assert.Equal(placeholders.Usage.PromptTokens, masked.Usage.PromptTokens);
        Assert.Equal(
            [(0u, ProtoKind.Iin, 13u, 25u), (0u, ProtoKind.Phone, 37u, 53u), (1u, ProtoKind.Bin, 4u, 16u)],
            masked.SensitiveSpans.Select(s => (s.Index, s.Kind, s.Start, s.End)));
    }

    [Fact]
    public async Task Embed_RejectCaller_InvalidArgumentNamingTheInputAndPositionNotTheNumber()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument,
            () => As(AuthCallers.RejectKey).EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем!", Russian } }, cancellationToken: Token).ResponseAsync,
            "`inputs[1]` holds a BIN at code points 4-16");

        Assert.DoesNotContain("190540001230", error.Status.Detail);
        var served = await As(AuthCallers.RejectKey).EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "ИИН 880101300124 с ошибкой" } }, cancellationToken: Token);
        Assert.Single(served.Embeddings);
    }

    [Fact]
    public async Task Embed_AllowCallerAsksForMask_MaskedAsTheMaskCallers()
    {
        var asked = await As(AuthCallers.GeneratorKey).EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Kazakh }, SensitiveNumbers = ProtoPolicy.Mask }, cancellationToken: Token);
        var loosened = await As(AuthCallers.MaskKey).EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Kazakh }, SensitiveNumbers = ProtoPolicy.Allow }, cancellationToken: Token);
        var placeholders = await As(AuthCallers.GeneratorKey).EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { KazakhMasked } }, cancellationToken: Token);

        Assert.Equal(placeholders.Embeddings[0].Values, asked.Embeddings[0].Values);
        Assert.Equal(placeholders.Embeddings[0].Values, loosened.Embeddings[0].Values);
    }

    [Fact]
    public async Task Generate_MaskCaller_ThePromptTheModelSeesHasPlaceholders()
    {
        // Greedy decoding is a function of the prompt's ids: the masked prompt continues as the
        // placeholder prompt does, and its token count is the placeholder prompt's.
        var masked = await As(AuthCallers.MaskKey).CompleteAsync(Request(Kazakh, returnSpans: true), cancellationToken: Token);
        var placeholders = await As(AuthCallers.GeneratorKey).CompleteAsync(Request(KazakhMasked, returnSpans: false), cancellationToken: Token);

        Assert.Equal(placeholders.TokenIds, masked.TokenIds);
        Assert.Equal(placeholders.Usage.PromptTokens, masked.Usage.PromptTokens);
        Assert.Equal([(0u, ProtoKind.Iin, 13u, 25u), (0u, ProtoKind.Phone, 37u, 53u)], masked.SensitiveSpans.Select(s => (s.Index, s.Kind, s.Start, s.End)));
    }

    [Fact]
    public async Task Generate_RejectCaller_MessagesRefusedNamingTheMessage()
    {
        var request = new GenerateRequest
        {
            Model = "kaz-tiny",
            Messages = { new ChatMessage { Role = "system", Content = "Сіз ЦОН көмекшісісіз." }, new ChatMessage { Role = "user", Content = Kazakh } },
            Parameters = new GenerationParameters { MaxNewTokens = 4 },
        };

        await RpcAssert.InvalidArgumentAsync(async () =>
            {
                using var call = As(AuthCallers.RejectKey).Generate(request, cancellationToken: Token);
                await call.ResponseStream.MoveNext(Token);
            },
            "messages[1].content", "`messages[1].content` holds an IIN at code points 13-25 (and 1 more)");
    }

    [Fact]
    public async Task Generate_StreamedWithSpans_TheFinalMessageCarriesThem()
    {
        GenerationFinal? final = null;
        using (var call = As(AuthCallers.MaskKey).Generate(Request(Russian, returnSpans: true), cancellationToken: Token))
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
            {
                final = response.Final ?? final;
            }
        }

        var span = Assert.Single(final!.SensitiveSpans);
        Assert.Equal((0u, ProtoKind.Bin, 4u, 16u), (span.Index, span.Kind, span.Start, span.End));
    }

    [Fact]
    public async Task OpenAiEmbeddings_RejectCallerAndAskedMask_TheCallersPolicyHoldsOverHttp()
    {
        using var http = new HttpClient { BaseAddress = Host.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AuthCallers.RejectKey);

        using var refused = await http.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = Russian }, Token);
        var body = await refused.Content.ReadAsStringAsync(Token);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("holds a BIN at code points 4-16", body);
        Assert.DoesNotContain("190540001230", body);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AuthCallers.GeneratorKey);
        using var bad = await http.PostAsJsonAsync("/v1/embeddings", new { model = "minilm", input = Russian, kazgrpc_sensitive_numbers = "hide" }, Token);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("`kazgrpc_sensitive_numbers` must be 'allow', 'mask' or 'reject'; got 'hide'", await bad.Content.ReadAsStringAsync(Token));
    }

    private static GenerateRequest Request(string prompt, bool returnSpans) => new()
    {
        Model = "kaz-tiny",
        Prompt = prompt,
        ReturnSensitiveSpans = returnSpans,
        Parameters = new GenerationParameters { MaxNewTokens = 6, IgnoreEos = true },
    };
}
