namespace KazGrpc.ModelForge;

/// <summary>
/// A [K, N] float matrix quantized for <c>com.microsoft</c> <c>MatMulNBits</c> with 4 bits: each
/// output column n is cut along K into blocks of <c>blockSize</c>, each block with one scale (and,
/// when asymmetric, one zero point); element <c>w = (q - zero_point) · scale</c>, zero point 8 when
/// symmetric.
/// </summary>
internal sealed class Int4Matrix
{
    private Int4Matrix(int k, int n, int blockSize, byte[] packed, float[] scales, byte[]? zeroPoints, float[] dequantized)
    {
        K = k;
        N = n;
        BlockSize = blockSize;
        Packed = packed;
        Scales = scales;
        ZeroPoints = zeroPoints;
        Dequantized = dequantized;
    }

    public int K { get; }

    public int N { get; }

    public int BlockSize { get; }

    public int BlocksPerColumn => K / BlockSize;

    /// <summary>B: uint8 [N, K / block_size, block_size / 2], element 2i in the low nibble.</summary>
    public byte[] Packed { get; }

    /// <summary>scales: float [N × K / block_size].</summary>
    public float[] Scales { get; }

    /// <summary>zero_points: uint8 [N × ceil(blocks / 2)], two blocks to a byte, low nibble first; null when symmetric.</summary>
    public byte[]? ZeroPoints { get; }

    /// <summary>The matrix as the operator computes with it, [K, N] row-major.</summary>
    public float[] Dequantized { get; }

    public static Int4Matrix Quantize(ReadOnlySpan<float> weights, int k, int n, int blockSize, bool zeroPoints)
    {
        if (k % blockSize != 0)
        {
            throw new ArgumentException($"MatMulNBits blocks of {blockSize} must divide K; got K = {k}.", nameof(blockSize));
        }

        var blocks = k / blockSize;
        var zeroPointBytesPerColumn = (blocks + 1) / 2;
        var packed = new byte[n * blocks * (blockSize / 2)];
        var scales = new float[n * blocks];
        var zeros = zeroPoints ? new byte[n * zeroPointBytesPerColumn] : null;
        var dequantized = new float[k * n];
        Span<byte> q = stackalloc byte[blockSize];
        for (var column = 0; column < n; column++)
        {
            for (var block = 0; block < blocks; block++)
            {
                var first = block * blockSize;
                float min = 0f, max = 0f, absMax = 0f;
                for (var i = 0; i < blockSize; i++)
                {
                    var w = weights[((first + i) * n) + column];
                    min = MathF.Min(min, w);
                    max = MathF.Max(max, w);
                    absMax = MathF.Max(absMax, MathF.Abs(w));
                }

                float scale;
                int zero;
                if (zeroPoints)
                {
                    scale = (max - min) / 15f;
                    zero = scale > 0f ? Math.Clamp((int)MathF.Round(-min / scale), 0, 15) : 8;
                }
                else
                {
                    scale = absMax / 7f;
                    zero = 8;
                }

                var inverse = scale > 0f ? 1f / scale : 0f;
                for (var i = 0; i < blockSize; i++)
                {
                    var w = weights[((first + i) * n) + column];
                    q[i] = (byte)Math.Clamp((int)MathF.Round(w * inverse) + zero, 0, 15);
                    dequantized[((first + i) * n) + column] = (q[i] - zero) * scale;
                }

                var blob = ((column * blocks) + block) * (blockSize / 2);
                for (var i = 0; i < blockSize; i += 2)
                {
                    packed[blob + (i / 2)] = (byte)(q[i] | (q[i + 1] << 4));
                }

                scales[(column * blocks) + block] = scale;
                if (zeros is not null)
                {
                    var index = (column * zeroPointBytesPerColumn) + (block / 2);
                    zeros[index] |= (byte)(block % 2 == 0 ? zero : zero << 4);
                }
            }
        }

        return new Int4Matrix(k, n, blockSize, packed, scales, zeros, dequantized);
    }
}
