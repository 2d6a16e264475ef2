using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>inference-svc with <c>OnnxRuntime:Pooling=device</c> (the encoder's own pooling is tested in KazGrpc.Models.Tests).</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class DevicePoolingTests(SharedInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_PoolingDevice_ServesTheSameEmbeddingsAsHostPooling()
    {
        await using var environment = await InferenceEnvironment.StartAsync(Token, "--OnnxRuntime:Pooling=device");
        Assert.True(environment.Encoder("minilm").PoolsOnDevice);
        Assert.False(fixture.Environment.Encoder("minilm").PoolsOnDevice);

        var request = new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды.", "Заявление принято к рассмотрению.", "The application was accepted." } };
        var onDevice = await environment.Client.EmbedAsync(request, cancellationToken: Token);
        var onHost = await fixture.Environment.Client.EmbedAsync(request, cancellationToken: Token);
        Assert.Equal(onHost.Usage.PromptTokens, onDevice.Usage.PromptTokens);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            Assert.Equal(onHost.Embeddings[i].Values.ToArray(), onDevice.Embeddings[i].Values.ToArray(), Close);
        }
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-5;
}
