using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.ModelForge.Tests;

public sealed class PoolingHeadTests
{
    // Two sequences of 3 positions, 2 dimensions; the second has one padded position whose hidden
    // values are large, so that any leak of padding into its mean shows. Every value, sum and quotient
    // is exact in float.
    private static readonly float[] Hidden =
    [
        1, 10, 2, 20, 3, 30,
        4, 40, 8, 80, 1000, -1000,
    ];

    private static readonly long[] Mask = [1, 1, 1, 1, 1, 0];

    [Fact]
    public void Mean_AveragesOnlyUnmaskedPositions()
    {
        var (shape, pooled) = Run("mean");
        Assert.Equal([2L, 2], shape);
        Assert.Equal([2f, 20f, 6f, 60f], pooled);
    }

    [Fact]
    public void Cls_TakesTheFirstPosition()
    {
        var (shape, pooled) = Run("cls");
        Assert.Equal([2L, 2], shape);
        Assert.Equal([1f, 10f, 4f, 40f], pooled);
    }

    [Fact]
    public void Build_UnknownPooling_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => PoolingHead.Build("max"));
        Assert.StartsWith("pooling must be mean or cls; got 'max'", error.Message, StringComparison.Ordinal);
    }

    private static (long[] Shape, float[] Values) Run(string pooling)
    {
        using var session = new InferenceSession(PoolingHead.Bytes(pooling));
        using var runOptions = new RunOptions();
        using var hidden = OrtValue.CreateTensorValueFromMemory(Hidden, [2, 3, 2]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Mask, [2, 3]);
        using var outputs = session.Run(runOptions, [PoolingHead.Hidden, PoolingHead.AttentionMask], [hidden, mask], [PoolingHead.Pooled]);
        var output = Assert.Single(outputs);
        return (output.GetTensorTypeAndShape().Shape, output.GetTensorDataAsSpan<float>().ToArray());
    }
}
