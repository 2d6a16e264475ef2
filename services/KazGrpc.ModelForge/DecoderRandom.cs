namespace KazGrpc.ModelForge;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose output depends only on its
/// seed, on every platform and runtime version, unlike <see cref="Random"/>'s unspecified algorithm.
/// Plenty for weights that only have to be deterministic and not degenerate.
/// </summary>
internal sealed class DecoderRandom
{
    private ulong _state;

    public DecoderRandom(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1), on a grid of 2^-23.</summary>
    public float NextSigned() => ((long)(NextUInt64() >> 40) - (1L << 23)) * (1f / (1 << 23));

    /// <summary>Fills <paramref name="values"/> with <c>center + U(-1, 1) · halfWidth</c>.</summary>
    public void Fill(Span<float> values, float center, float halfWidth)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = center + (NextSigned() * halfWidth);
        }
    }
}
