using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client.Tests.Callers;

/// <summary>The callers' client against real services: every typed RPC, its deadlines and errors, and its registration.</summary>
public sealed class KazGrpcClientTests : IClassFixture<ServingCluster>
{
    private const string Kazakh = "Қазақстан Республикасы — демократиялық, зайырлы мемлекет.";
    private readonly ServingCluster _cluster;

    public KazGrpcClientTests(ServingCluster cluster) => _cluster = cluster;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenizerMethods_KazakhText_RoundTrip()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());

        var tokenized = await client.TokenizeAsync("o200k_base", [Kazakh, "hello"], Token);
        var counts = await client.CountTokensAsync("o200k_base", [Kazakh, "hello"], Token);
        var text = await client.DetokenizeAsync("o200k_base", tokenized.Results[0].Ids, cancellationToken: Token);
        var tokenizers = await client.ListTokenizersAsync(Token);

        Assert.Equal([(uint)tokenized.Results[0].Ids.Count, (uint)tokenized.Results[1].Ids.Count], counts);
        Assert.Equal(Kazakh, text);
        Assert.Contains(tokenizers, t => t.Name == "minilm");
    }

    [Fact]
    public async Task ConvertScriptAsync_KazakhText_ToLatinAndBack()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());

        string[] cyrillic = ["Өтініш қабылданды, жауап беріледі.", "Сәлем"];

        var latin = await client.ConvertScriptAsync(cyrillic, Contracts.Tokenizer.V1.Script.Latin, Token);
        var back = await client.ConvertScriptAsync(latin, Contracts.Tokenizer.V1.Script.Cyrillic, Token);

        Assert.Equal(["Ötınış qabyldandy, jauap berıledı.", "Sälem"], latin);
        Assert.Equal(cyrillic, back);
    }

    [Fact]
    public async Task InferenceMethods_EmbedListGetComplete_Answer()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());

        var models = await client.ListModelsAsync(Token);
        var tiny = await client.GetModelAsync("kaz-tiny", Token);
        var embedded = await client.EmbedAsync("minilm", [Kazakh, "e-Otinish"], Token);
        var completed = await client.CompleteAsync(
            new GenerateRequest { Model = "kaz-tiny", Prompt = Kazakh, Parameters = new GenerationParameters { MaxNewTokens = 5, IgnoreEos = true } }, Token);

        Assert.Equal(["kaz-tiny", "minilm"], models.Select(m => m.Name).Order());
        Assert.Equal(ModelKind.Generation, tiny.Kind);
        Assert.Equal(2, embedded.Embeddings.Count);
        Assert.Equal(384, embedded.Embeddings[0].Values.Count);
        Assert.Equal(5, completed.TokenIds.Count);
        Assert.Equal(FinishReason.Length, completed.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_Prompt_StreamsChunksThenTheFinalMessage()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());

        var responses = new List<GenerateResponse>();
        await foreach (var response in client.GenerateAsync("kaz-tiny", Kazakh, new GenerationParameters { MaxNewTokens = 12, IgnoreEos = true }, Token))
        {
            responses.Add(response);
        }

        Assert.All(responses[..^1], r => Assert.Equal(GenerateResponse.ResponseOneofCase.Chunk, r.ResponseCase));
        Assert.Equal(12, responses[..^1].Sum(r => r.Chunk.TokenIds.Count));
        Assert.Equal(FinishReason.Length, responses[^1].Final.FinishReason);
        Assert.Equal(12u, responses[^1].Final.Usage.CompletionTokens);
    }

    [Fact]
    public async Task GenerateAsync_EnumerationStopped_FreesTheSlot()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());
        var model = "kaz-tiny";

        await foreach (var response in client.GenerateAsync(model, Kazakh, new GenerationParameters { MaxNewTokens = 1500, IgnoreEos = true }, Token))
        {
            break;
        }

        // Both replicas report no running request once the abandoned stream has been cancelled.
        foreach (var address in _cluster.ReplicaAddresses)
        {
            using var replica = new KazGrpcClient(new KazGrpcClientOptions { InferenceAddress = address.ToString().TrimEnd('/') });
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await replica.GetModelAsync(model, Token)).RunningRequests > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Token);
            }

            Assert.Equal(0u, (await replica.GetModelAsync(model, Token)).RunningRequests);
        }
    }

    [Fact]
    public async Task Errors_UnknownModelAndInvalidParameter_CarryStatusAndWords()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions());

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => client.EmbedAsync("no-such-model", ["x"], Token), "no-such-model", "minilm");
        await RpcAssert.InvalidArgumentAsync(
            () => client.CompleteAsync(new GenerateRequest { Model = "kaz-tiny", Prompt = "x", Parameters = new GenerationParameters { TopP = 1.5f } }, Token),
            "parameters.top_p", "1.5");
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => client.AbortAsync("never-seen", Token), "never-seen");
    }

    [Fact]
    public async Task GenerateTimeout_Elapsed_EndsTheStreamWithDeadlineExceeded()
    {
        using var client = new KazGrpcClient(_cluster.ClientOptions(o => o.GenerateTimeout = TimeSpan.FromMilliseconds(300)));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var response in client.GenerateAsync("kaz-tiny", Kazakh, new GenerationParameters { MaxNewTokens = 1900, IgnoreEos = true }, Token))
            {
                _ = response;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public void AddKazGrpcClient_Configuration_BindsAddressesAndValidates()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KazGrpc:InferenceAddress"] = _cluster.InferenceAddresses,
            ["KazGrpc:Timeout"] = "00:00:05",
        }).Build();
        using var provider = new ServiceCollection().AddKazGrpcClient(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KazGrpcClientOptions>>().Value;
        Assert.Same(provider.GetRequiredService<KazGrpcClient>(), provider.GetRequiredService<KazGrpcClient>());
        Assert.Equal(_cluster.InferenceAddresses, options.InferenceAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KazGrpc:InferenceAddress"] = "127.0.0.1:50051" }).Build();
        using var badProvider = new ServiceCollection().AddKazGrpcClient(bad).BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => badProvider.GetRequiredService<IOptions<KazGrpcClientOptions>>().Value);
        Assert.Contains("KazGrpc:InferenceAddress: '127.0.0.1:50051' is not http(s)://host:port", error.Message, StringComparison.Ordinal);
    }
}
