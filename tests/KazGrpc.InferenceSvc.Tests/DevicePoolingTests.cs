using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;
using KazGrpc.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// Pooling on the execution provider's device (IOBinding: the encoder's output bound to device
/// memory, fed where it lies to the forged pooling graph, whose output is bound to a host buffer).
/// This machine has no GPU, so the device is the CPU: the binding path is the one CUDA takes, with
/// the host's memory info in place of the GPU's.
/// </summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class DevicePoolingTests(SharedInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void MiniLm_DevicePooling_EqualsHostPooling_AndPaddingDoesNotLeak()
    {
        using var host = Load(Repository.MiniLmDirectory, "host");
        using var device = Load(Repository.MiniLmDirectory, "device");
        Assert.False(host.PoolsOnDevice);
        Assert.True(device.PoolsOnDevice);

        // [CLS] ... [SEP] of 3 to 200 tokens: one batch pads the short ones to the longest.
        int[][] inputs = [.. new[] { 3, 17, 200, 5, 64 }.Select(Sequence)];
        var onHost = host.Embed(inputs, Token);
        var onDevice = device.Embed(inputs, Token);
        Assert.Equal(inputs.Length, onDevice.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(384, onDevice[i].Length);
            Assert.Equal(onHost[i], onDevice[i], Close);
        }

        // The short input alone, with nothing to pad, gives the vector it gave among long ones.
        var alone = device.Embed([inputs[0]], Token)[0];
        Assert.Equal(onDevice[0], alone, Close);
        Assert.Equal(inputs.Length + 1, device.ExecutedInputs);
    }

    [Fact]
    public void IdentityEncoder_DevicePooling_MeanAndClsMatchTheFormula()
    {
        using var directory = new TempDirectory();
        IdentityEncoder.Write(directory.Path);
        int[][] inputs = [[101, 7592, 102], [101, 2000, 3000, 4000, 102]];

        using (var mean = Load(directory.Path, "device"))
        {
            var pooled = mean.Embed(inputs, Token);
            for (var d = 0; d < 384; d++)
            {
                for (var b = 0; b < inputs.Length; b++)
                {
                    var expected = inputs[b].Average(id => (double)IdentityEncoder.ValueAt(id, 1, d));
                    Assert.True(Math.Abs(expected - pooled[b][d]) <= 1e-6 * Math.Abs(expected), $"input {b}, dimension {d}: {pooled[b][d]}, expected {expected}");
                }
            }
        }

        var config = new EmbeddingModelConfig { Tokenizer = IdentityEncoder.DefaultTokenizer, Dimensions = 384, MaxTokens = 512, Pooling = "cls" };
        config.Save(directory.Path);
        using var cls = Load(directory.Path, "device");
        var first = cls.Embed(inputs, Token);
        for (var d = 0; d < 384; d++)
        {
            Assert.Equal(IdentityEncoder.ValueAt(101, 1, d), first[0][d]);
            Assert.Equal(IdentityEncoder.ValueAt(101, 1, d), first[1][d]);
        }
    }

    [Fact]
    public void Embed_CancelledBeforeRun_OnDevice_ThrowsOperationCanceled()
    {
        using var device = Load(Repository.MiniLmDirectory, "device");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => device.Embed([Sequence(300)], cancelled.Token));
        Assert.Equal(0, device.ExecutedInputs);
    }

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

    [Fact]
    public void Options_UnknownPooling_NamesTheSettingAndValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxRuntimeOptions { Pooling = "gpu" }.Validate());
        Assert.Equal("OnnxRuntime:Pooling must be auto, device or host; got 'gpu'", error.Message);
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-5;

    /// <summary>[CLS], <paramref name="length"/> − 2 ordinary word pieces, [SEP].</summary>
    private static int[] Sequence(int length) =>
        [101, .. Enumerable.Range(0, length - 2).Select(i => 2000 + (i * 37 % 20000)), 102];

    private static EncoderModel Load(string directory, string pooling) => EncoderModel.Load(
        directory,
        EmbeddingModelConfig.Read(directory),
        new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "cpu", Pooling = pooling }), NullLogger<SessionFactory>.Instance));
}
