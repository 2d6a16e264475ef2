namespace KazGrpc.Models.Tests;

public sealed class OnnxRuntimeOptionsTests
{
    [Fact]
    public void Validate_UnknownExecutionProvider_NamesTheSettingAndValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxRuntimeOptions { ExecutionProvider = "tensorrt" }.Validate());
        Assert.Equal("OnnxRuntime:ExecutionProvider must be auto, cuda or cpu; got 'tensorrt'", error.Message);
    }

    [Fact]
    public void Validate_UnknownPooling_NamesTheSettingAndValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxRuntimeOptions { Pooling = "gpu" }.Validate());
        Assert.Equal("OnnxRuntime:Pooling must be auto, device or host; got 'gpu'", error.Message);
    }

    [Fact]
    public void Validate_NegativeThreads_NamesTheSettingsAndValues()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxRuntimeOptions { IntraOpThreads = 2, InterOpThreads = -1, DecoderIntraOpThreads = 0 }.Validate());
        Assert.Equal("OnnxRuntime: IntraOpThreads, InterOpThreads and DecoderIntraOpThreads must be >= 0; got 2, -1, 0", error.Message);
    }

    [Fact]
    public void DecoderIntraOpThreads_Default_OnePerProcessor()
    {
        Assert.Equal(Environment.ProcessorCount, new OnnxRuntimeOptions().DecoderIntraOpThreads);
    }
}
