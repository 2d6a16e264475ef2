namespace KazGrpc.Models.Tests;

public sealed class VectorMathTests
{
    [Fact]
    public void NormalizeL2_Vector_ScalesToUnitLengthAndLeavesZeroAlone()
    {
        float[] vector = [3, 0, -4];
        float[] zero = [0, 0];

        VectorMath.NormalizeL2(vector);
        VectorMath.NormalizeL2(zero);

        Assert.Equal([0.6f, 0, -0.8f], vector);
        Assert.Equal([0f, 0f], zero);
    }
}
