using System.Numerics;
using System.Runtime.InteropServices;

namespace KazGrpc.Generation;

/// <summary>
/// Vectorised passes over a vocabulary of scores that TensorPrimitives has no single call for:
/// thresholded sums, masking, banded gathering and partial selection.
/// </summary>
internal static class LogitKernels
{
    // Float lanes are flushed into a double this often, so that a sum over 200k values keeps ~7 digits.
    private const int FlushEvery = 256;

    /// <summary>Sum (in double) and count of the values at or above <paramref name="threshold"/>; NaN never counts.</summary>
    public static double SumAtLeast(ReadOnlySpan<float> values, float threshold, out int count)
    {
        // Four independent accumulators: one would make each add wait for the last.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var limit = new Vector<float>(threshold);
        Vector<float> sum0 = default, sum1 = default, sum2 = default, sum3 = default;
        Vector<int> count0 = default, count1 = default;
        var total = 0.0;
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            var keep0 = Vector.GreaterThanOrEqual(vectors[i], limit);
            var keep1 = Vector.GreaterThanOrEqual(vectors[i + 1], limit);
            var keep2 = Vector.GreaterThanOrEqual(vectors[i + 2], limit);
            var keep3 = Vector.GreaterThanOrEqual(vectors[i + 3], limit);
            sum0 += Vector.ConditionalSelect(keep0, vectors[i], Vector<float>.Zero);
            sum1 += Vector.ConditionalSelect(keep1, vectors[i + 1], Vector<float>.Zero);
            sum2 += Vector.ConditionalSelect(keep2, vectors[i + 2], Vector<float>.Zero);
            sum3 += Vector.ConditionalSelect(keep3, vectors[i + 3], Vector<float>.Zero);
            count0 += keep0 + keep1;
            count1 += keep2 + keep3;
            if (i % FlushEvery == FlushEvery - 4)
            {
                total += Vector.Sum((sum0 + sum1) + (sum2 + sum3));
                sum0 = sum1 = sum2 = sum3 = default;
            }
        }

        for (; i < vectors.Length; i++)
        {
            var keep = Vector.GreaterThanOrEqual(vectors[i], limit);
            sum0 += Vector.ConditionalSelect(keep, vectors[i], Vector<float>.Zero);
            count0 += keep;
        }

        total += Vector.Sum((sum0 + sum1) + (sum2 + sum3));
        count = -Vector.Sum(count0 + count1);
        for (i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
        {
            if (values[i] >= threshold)
            {
                total += values[i];
                count++;
            }
        }

        return total;
    }

    /// <summary>Replaces every value by (value - <paramref name="shift"/>) * <paramref name="scale"/>, in one pass.</summary>
    public static void ShiftScale(Span<float> values, float shift, float scale)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var by = new Vector<float>(shift);
        var times = new Vector<float>(scale);
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = (vectors[i] - by) * times;
        }

        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
        {
            values[i] = (values[i] - shift) * scale;
        }
    }

    /// <summary>Index of the first value equal to <paramref name="value"/> (which is among them), or -1.</summary>
    public static int IndexOfFirst(ReadOnlySpan<float> values, float value)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var target = new Vector<float>(value);
        for (var i = 0; i < vectors.Length; i++)
        {
            if (Vector.EqualsAny(vectors[i], target))
            {
                for (var at = i * Vector<float>.Count; ; at++)
                {
                    if (values[at] == value)
                    {
                        return at;
                    }
                }
            }
        }

        for (var at = vectors.Length * Vector<float>.Count; at < values.Length; at++)
        {
            if (values[at] == value)
            {
                return at;
            }
        }

        return -1;
    }

    /// <summary>Sets every value below <paramref name="threshold"/> to zero.</summary>
    public static void ZeroBelow(Span<float> values, float threshold)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var limit = new Vector<float>(threshold);
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(vectors[i], limit), vectors[i], Vector<float>.Zero);
        }

        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
        {
            if (!(values[i] >= threshold))
            {
                values[i] = 0f;
            }
        }
    }

    /// <summary>
    /// Copies the values in [<paramref name="low"/>, <paramref name="high"/>) with their indices into
    /// <paramref name="band"/> (which holds exactly that many) and returns how many were written.
    /// </summary>
    public static int GatherBand(ReadOnlySpan<float> values, float low, float high, Span<ScoredToken> band)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var lo = new Vector<float>(low);
        var hi = new Vector<float>(high);
        var n = 0;
        for (var i = 0; i < vectors.Length; i++)
        {
            var inBand = Vector.GreaterThanOrEqual(vectors[i], lo) & Vector.LessThan(vectors[i], hi);
            if (inBand == Vector<int>.Zero)
            {
                continue;
            }

            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                if (inBand[lane] != 0 && n < band.Length)
                {
                    var id = (i * Vector<float>.Count) + lane;
                    band[n++] = new ScoredToken(id, values[id]);
                }
            }
        }

        for (var id = vectors.Length * Vector<float>.Count; id < values.Length && n < band.Length; id++)
        {
            if (values[id] >= low && values[id] < high)
            {
                band[n++] = new ScoredToken(id, values[id]);
            }
        }

        return n;
    }

    /// <summary>
    /// Fills <paramref name="best"/> with the highest values and their indices, best first (ties:
    /// lowest index first), without sorting the rest; returns how many (fewer only when there are
    /// fewer values). Values must not be NaN. One pass: a vector is looked at lane by lane only when
    /// it holds a value above the current worst of the best, so the cost stays near that of a max
    /// for a small <paramref name="best"/>.
    /// </summary>
    public static int SelectTop(ReadOnlySpan<float> values, Span<ScoredToken> best)
    {
        var k = Math.Min(best.Length, values.Length);
        if (k == 0)
        {
            return 0;
        }

        var heap = best[..k];
        for (var i = 0; i < k; i++)
        {
            heap[i] = new ScoredToken(i, values[i]);
        }

        for (var i = (k / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, i);
        }

        // Later indices are larger, so an equal value never displaces the worst: strictly greater only.
        var rest = values[k..];
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(rest);
        var worst = new Vector<float>(heap[0].Value);
        for (var i = 0; i < vectors.Length; i++)
        {
            if (!Vector.GreaterThanAny(vectors[i], worst))
            {
                continue;
            }

            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                var at = (i * Vector<float>.Count) + lane;
                if (rest[at] > heap[0].Value)
                {
                    heap[0] = new ScoredToken(k + at, rest[at]);
                    SiftDown(heap, 0);
                }
            }

            worst = new Vector<float>(heap[0].Value);
        }

        for (var at = vectors.Length * Vector<float>.Count; at < rest.Length; at++)
        {
            if (rest[at] > heap[0].Value)
            {
                heap[0] = new ScoredToken(k + at, rest[at]);
                SiftDown(heap, 0);
            }
        }

        heap.Sort(ScoredToken.BetterFirst);
        return k;
    }

    private static void SiftDown(Span<ScoredToken> heap, int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            var right = left + 1;
            var worst = i;
            if (left < heap.Length && ScoredToken.IsWorse(heap[left], heap[worst]))
            {
                worst = left;
            }

            if (right < heap.Length && ScoredToken.IsWorse(heap[right], heap[worst]))
            {
                worst = right;
            }

            if (worst == i)
            {
                return;
            }

            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
