namespace KazGrpc.Bench.Text;

/// <summary>Derives independent seeds from a base seed and coordinates (run, mode, language, chunk).</summary>
internal static class Seeds
{
    /// <summary>Mixes <paramref name="parts"/> into <paramref name="seed"/> with SplitMix64 steps.</summary>
    public static ulong Mix(ulong seed, params ReadOnlySpan<ulong> parts)
    {
        var state = seed;
        foreach (var part in parts)
        {
            state = Step(state ^ Step(part + 0x9E3779B97F4A7C15UL));
        }

        return state;
    }

    /// <summary>A seed for <see cref="Random"/>.</summary>
    public static int ToInt32(ulong seed) => (int)(seed ^ (seed >> 32)) & int.MaxValue;

    private static ulong Step(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
