namespace KazGrpc.Models;

/// <summary>Arithmetic on embedding vectors, independent of the runtime that produced them.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> to unit L2 length in place; a zero vector stays zero.
    /// The sum of squares is taken in double precision, so long vectors lose nothing to rounding.</summary>
    public static void NormalizeL2(Span<float> vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        if (sum > 0)
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] *= scale;
            }
        }
    }
}
