using KazGrpc.ModelForge;

namespace KazGrpc.Models.Tests;

/// <summary>
/// <see cref="EncoderModel"/> on the CPU with the real all-MiniLM-L6-v2 and the forge's identity
/// encoder, pooling on the host and on the device. The tests run on the CPU execution provider, so
/// the device is the CPU: device pooling takes the binding path that CUDA takes, with the host's
/// memory info in place of the GPU's.
/// </summary>
public sealed class EncoderModelTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Embed_MiniLmDevicePooling_EqualsHostPoolingAndPaddingDoesNotLeak()
    {
        using var host = Encoders.Load(PreparedModels.MiniLmDirectory, "host");
        using var device = Encoders.Load(PreparedModels.MiniLmDirectory, "device");
        Assert.False(host.PoolsOnDevice);
        Assert.True(device.PoolsOnDevice);

        // [CLS] ... [SEP] of 3 to 200 tokens: one batch pads the short ones to the longest.
        int[][] inputs = [.. new[] { 3, 17, 200, 5, 64 }.Select(Encoders.Sequence)];
        var onHost = host.Embed(inputs, Token);
        var onDevice = device.Embed(inputs, Token);
        Assert.Equal(inputs.Length, onDevice.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(384, onDevice[i].Length);
            Assert.Equal(onHost[i], onDevice[i], Close);
        }

        // The short input alone, with nothing to pad, gives the vector it gave among long ones.
        Assert.Equal(onDevice[0], device.Embed([inputs[0]], Token)[0], Close);
        Assert.Equal(onHost[0], host.Embed([inputs[0]], Token)[0], Close);
        Assert.Equal(inputs.Length + 1, device.ExecutedInputs);
    }

    [Theory]
    [InlineData("mean", "host")]
    [InlineData("mean", "device")]
    [InlineData("cls", "host")]
    [InlineData("cls", "device")]
    public void Embed_IdentityEncoder_PoolsByTheFormula(string pooling, string where)
    {
        using var directory = new TempDirectory();
        IdentityEncoder.Write(directory.Path);
        new EmbeddingModelConfig { Tokenizer = IdentityEncoder.DefaultTokenizer, Dimensions = 384, MaxTokens = 512, Pooling = pooling }.Save(directory.Path);
        using var encoder = Encoders.Load(directory.Path, where);
        int[][] inputs = [[101, 7592, 102], [101, 2000, 3000, 4000, 102]];

        var pooled = encoder.Embed(inputs, Token);

        for (var b = 0; b < inputs.Length; b++)
        {
            var tokens = pooling == "cls" ? inputs[b][..1] : inputs[b];
            for (var d = 0; d < 384; d++)
            {
                var expected = tokens.Average(id => (double)IdentityEncoder.ValueAt(id, 1, d));
                Assert.True(Math.Abs(expected - pooled[b][d]) <= 1e-6 * Math.Abs(expected), $"input {b}, dimension {d}: {pooled[b][d]}, expected {expected}");
            }
        }
    }

    [Theory]
    [InlineData("host")]
    [InlineData("device")]
    public void Embed_CancelledBeforeRun_ThrowsOperationCanceledAndRunsNothing(string where)
    {
        using var encoder = Encoders.Load(PreparedModels.MiniLmDirectory, where);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => encoder.Embed([Encoders.Sequence(300)], cancelled.Token));
        Assert.Equal(0, encoder.ExecutedInputs);
    }

    [Fact]
    public void Load_OutputTheModelLacks_ThrowsNamingItAndTheModelsOutputs()
    {
        using var directory = new TempDirectory();
        IdentityEncoder.Write(directory.Path);
        var config = new EmbeddingModelConfig { Output = "pooler_output" };

        var error = Assert.Throws<InvalidOperationException>(() => EncoderModel.Load(directory.Path, config, Encoders.CpuSessions()));

        Assert.Equal("encoder model has no 'pooler_output' output (outputs: last_hidden_state)", error.Message);
    }

    [Fact]
    public void Load_DimensionsTheModelContradicts_ThrowsNamingBoth()
    {
        using var directory = new TempDirectory();
        IdentityEncoder.Write(directory.Path, dimensions: 32);
        var config = new EmbeddingModelConfig { Dimensions = 384 };

        var error = Assert.Throws<InvalidOperationException>(() => EncoderModel.Load(directory.Path, config, Encoders.CpuSessions()));

        Assert.Equal("kazgrpc.json says dimensions 384, but the model's 'last_hidden_state' output has 32", error.Message);
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-5;
}
