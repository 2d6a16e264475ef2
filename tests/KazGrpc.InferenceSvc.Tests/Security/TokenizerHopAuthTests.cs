using Grpc.Core;
using Grpc.Net.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Hosting.Security;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>A tokenizer-svc that requires a credential, and an inference-svc that reaches it with its
/// own API key (<c>Tokenizer:ApiKey</c>).</summary>
public sealed class TokenizerHopAuthTests(TokenizerProcessFixture shared)
{
    private const string InferenceKey = "kzg_inference-svc-to-tokenizer-svc";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hop_TokenizerRequiresAKey_InferenceServesWithItsOwnAndKeylessCallersAreRefused()
    {
        await using var tokenizer = new TokenizerProcess(
            shared.ModelsDirectory,
            "--Auth:Enabled=true",
            $"--Auth:Callers:inference-svc:ApiKeys:0={ApiKeyHash.Of(InferenceKey)}",
            "--Auth:Callers:inference-svc:Rpcs:0=tokenize");
        await tokenizer.StartAsync(Token);
        using var channel = GrpcChannel.ForAddress(tokenizer.Address);

        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated,
            () => new TokenizerService.TokenizerServiceClient(channel).CountTokensAsync(
                new CountTokensRequest { Tokenizer = "o200k_base", Texts = { "Сәлем" } }, cancellationToken: Token).ResponseAsync,
            "no credential");

        await using var inference = await InferenceHost.StartAsync(tokenizer.Address, shared.ModelsDirectory, Token, $"--Tokenizer:ApiKey={InferenceKey}");
        var embedded = await inference.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем, әлем!" } }, cancellationToken: Token);
        var completed = await inference.Client.CompleteAsync(
            new GenerateRequest { Model = "kaz-tiny", Prompt = "Сәлем", Parameters = new GenerationParameters { MaxNewTokens = 3, IgnoreEos = true } },
            cancellationToken: Token);

        Assert.Equal(384, embedded.Embeddings[0].Values.Count);
        Assert.Equal(3, completed.TokenIds.Count);
    }
}
