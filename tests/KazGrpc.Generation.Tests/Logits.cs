namespace KazGrpc.Generation.Tests;

/// <summary>Reference maths and test logits for the sampler tests, computed the plain way in double.</summary>
internal static class Logits
{
    /// <summary>o200k's vocabulary size, the largest the sampler serves.</summary>
    public const int O200kVocabSize = 200_019;

    /// <summary>Normally distributed logits with the given spread, fixed by the seed.</summary>
    public static float[] Gaussian(int count, double spread, int seed)
    {
        var random = new Random(seed);
        var logits = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            logits[i] = (float)(spread * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return logits;
    }

    public static double[] LogSoftmax(IReadOnlyList<float> logits, double temperature = 1.0)
    {
        var max = double.NegativeInfinity;
        foreach (var x in logits)
        {
            max = Math.Max(max, x / temperature);
        }

        var sum = 0.0;
        foreach (var x in logits)
        {
            sum += Math.Exp((x / temperature) - max);
        }

        var logZ = max + Math.Log(sum);
        return [.. logits.Select(x => (x / temperature) - logZ)];
    }

    public static double[] Softmax(IReadOnlyList<float> logits, double temperature = 1.0) =>
        [.. LogSoftmax(logits, temperature).Select(Math.Exp)];

    /// <summary>Ids by decreasing probability, ties by increasing id.</summary>
    public static int[] Ranked(IReadOnlyList<double> values) =>
        [.. Enumerable.Range(0, values.Count).OrderByDescending(i => values[i]).ThenBy(i => i)];

    public static int ArgMax(IReadOnlyList<float> values) =>
        Ranked([.. values.Select(v => (double)v)])[0];

    /// <summary>
    /// Pearson's chi-square statistic of observed counts against expected probabilities (which
    /// sum to 1 over the categories given).
    /// </summary>
    public static double ChiSquare(IReadOnlyList<int> observed, IReadOnlyList<double> expected)
    {
        var total = observed.Sum();
        var chi = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var e = expected[i] * total;
            chi += (observed[i] - e) * (observed[i] - e) / e;
        }

        return chi;
    }

    /// <summary>
    /// The chi-square value a fair draw exceeds with probability 1e-4 (Wilson and Hilferty's
    /// approximation); the tests draw from fixed seeds, so a pass is not luck that can change.
    /// </summary>
    public static double ChiSquareLimit(int degreesOfFreedom)
    {
        const double Z = 3.719;
        var k = (double)degreesOfFreedom;
        var h = 2.0 / (9.0 * k);
        return k * Math.Pow(1.0 - h + (Z * Math.Sqrt(h)), 3);
    }
}
