using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;

namespace KazGrpc.InferenceSvc.Tests.Generation;

/// <summary>A generation model whose vocabulary is larger than its tokenizer's: an id the tokenizer
/// cannot decode is the service's failure (INTERNAL naming the model and tokenizer), not the caller's.</summary>
public sealed class GenerateMismatchTests(TokenizerProcessFixture tokenizer) : IDisposable
{
    private readonly TempDirectory _models = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task Generate_ModelEmitsAnIdItsTokenizerLacks_InternalNamingModelAndTokenizer()
    {
        // gpt2 has 50,257 ids; the model has 50,300 and nothing keeps it from the last 43.
        LlamaDecoder.Write(_models.Combine("kaz-wide"), new DecoderForgeOptions { VocabSize = 50_300, Tokenizer = "gpt2", UnassignedTokenIds = [] });
        await using var host = await InferenceHost.StartAsync(tokenizer.Address, _models.Path, Token);
        var request = new GenerateRequest { Model = "kaz-wide", Prompt = "Hello", Parameters = new GenerationParameters { MaxNewTokens = 4, IgnoreEos = true } };
        request.Parameters.LogitBias.Add(50_290, 100);

        await RpcAssert.ThrowsAsync(StatusCode.Internal,
            () => host.Client.CompleteAsync(request, cancellationToken: Token).ResponseAsync,
            "model 'kaz-wide' generated ids that its tokenizer 'gpt2' cannot decode");
        var model = await ModelPolling.WaitUntilIdleAsync(host.Client, "kaz-wide", Token);

        Assert.Equal((0u, 0.0), (model.RunningRequests, model.KvCacheUsage));
    }
}
