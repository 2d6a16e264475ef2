using KazGrpc.ModelForge;

namespace KazGrpc.Testing;

/// <summary>
/// A Llama-class forward pass in plain C#, written from the architecture's definition rather than
/// from the graph: the whole sequence from scratch every call, full causal attention, double
/// accumulation. It is what forged ONNX models are checked against.
/// </summary>
/// <remarks>
/// Per layer: <c>h += o(attention(rope(q(n1(h))), rope(k(n1(h))), v(n1(h))))</c>, then
/// <c>h += down(silu(gate(n2(h))) · up(n2(h)))</c>, with <c>n(x) = x / √(mean(x²) + ε) · w</c>. Rotary
/// embeddings rotate the pairs (i, i + head_size/2) of every query and key head (the
/// non-interleaved form GroupQueryAttention applies) by <c>position · θ^(-2i/head_size)</c>, with
/// cos and sin rounded to float as the forged caches hold them. Query head h reads KV head
/// <c>h / (heads / kv_heads)</c>; scores are scaled by 1/√head_size.
/// </remarks>
public sealed class LlamaReference
{
    private readonly LlamaWeights _weights;
    private readonly DecoderArchitecture _a;
    private readonly IReadOnlyList<int> _unassigned;

    /// <summary>Computes with <paramref name="weights"/> (e.g. <see cref="LlamaWeights.QuantizedToInt4"/>'s, to match the int4 model),
    /// adding <see cref="DecoderForgeOptions.UnassignedLogit"/> to the logits of <paramref name="unassigned"/> as the forged graph does.</summary>
    public LlamaReference(LlamaWeights weights, IReadOnlyList<int>? unassigned = null)
    {
        _weights = weights;
        _a = weights.Architecture;
        _unassigned = unassigned ?? [];
    }

    /// <summary>The index of the largest value; the first of equals.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The logits of every position, [tokens, vocab] row-major.</summary>
    public float[] Logits(IReadOnlyList<long> tokens)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tokens.Count);
        var a = _a;
        var s = tokens.Count;
        var h = new double[s * a.HiddenSize];
        var embedding = _weights.Embedding.Span;
        for (var t = 0; t < s; t++)
        {
            for (var d = 0; d < a.HiddenSize; d++)
            {
                h[(t * a.HiddenSize) + d] = embedding[(checked((int)tokens[t]) * a.HiddenSize) + d];
            }
        }

        foreach (var layer in _weights.Layers)
        {
            var x = Norm(h, s, layer.AttentionNorm.Span);
            var q = MatMul(x, s, a.HiddenSize, layer.Query.Span, a.QueryWidth);
            var k = MatMul(x, s, a.HiddenSize, layer.Key.Span, a.KvWidth);
            var v = MatMul(x, s, a.HiddenSize, layer.Value.Span, a.KvWidth);
            Rotate(q, s, a.NumHeads);
            Rotate(k, s, a.NumKvHeads);
            var attention = Attend(q, k, v, s);
            Add(h, MatMul(attention, s, a.QueryWidth, layer.Output.Span, a.HiddenSize));

            var y = Norm(h, s, layer.MlpNorm.Span);
            var gate = MatMul(y, s, a.HiddenSize, layer.Gate.Span, a.IntermediateSize);
            var up = MatMul(y, s, a.HiddenSize, layer.Up.Span, a.IntermediateSize);
            for (var i = 0; i < gate.Length; i++)
            {
                gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
            }

            Add(h, MatMul(gate, s, a.IntermediateSize, layer.Down.Span, a.HiddenSize));
        }

        var logits = MatMul(Norm(h, s, _weights.FinalNorm.Span), s, a.HiddenSize, _weights.LmHead.Span, a.VocabSize);
        for (var t = 0; t < s; t++)
        {
            foreach (var id in _unassigned)
            {
                logits[(t * a.VocabSize) + id] += DecoderForgeOptions.UnassignedLogit;
            }
        }

        return [.. logits.Select(l => (float)l)];
    }

    /// <summary>The logits of the last position, [vocab].</summary>
    public float[] LastLogits(IReadOnlyList<long> tokens) =>
        Logits(tokens).AsSpan((tokens.Count - 1) * _a.VocabSize, _a.VocabSize).ToArray();

    /// <summary>Greedy decoding: appends the arg-max token <paramref name="newTokens"/> times (no stop on EOS); returns only the new tokens.</summary>
    public IReadOnlyList<long> Greedy(IReadOnlyList<long> prompt, int newTokens)
    {
        var sequence = prompt.ToList();
        for (var i = 0; i < newTokens; i++)
        {
            sequence.Add(ArgMax(LastLogits(sequence)));
        }

        return sequence.GetRange(prompt.Count, newTokens);
    }

    private static void Add(double[] target, double[] values)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += values[i];
        }
    }

    private static double[] MatMul(double[] x, int rows, int k, ReadOnlySpan<float> w, int n)
    {
        var y = new double[rows * n];
        for (var r = 0; r < rows; r++)
        {
            var row = y.AsSpan(r * n, n);
            for (var i = 0; i < k; i++)
            {
                var xi = x[(r * k) + i];
                var wi = w.Slice(i * n, n);
                for (var j = 0; j < n; j++)
                {
                    row[j] += xi * wi[j];
                }
            }
        }

        return y;
    }

    private double[] Norm(double[] h, int s, ReadOnlySpan<float> weight)
    {
        var width = _a.HiddenSize;
        var y = new double[h.Length];
        for (var t = 0; t < s; t++)
        {
            var row = h.AsSpan(t * width, width);
            var meanSquare = 0.0;
            foreach (var value in row)
            {
                meanSquare += value * value;
            }

            var scale = 1 / Math.Sqrt((meanSquare / width) + _a.RmsNormEpsilon);
            for (var d = 0; d < width; d++)
            {
                y[(t * width) + d] = row[d] * scale * weight[d];
            }
        }

        return y;
    }

    private void Rotate(double[] x, int s, int heads)
    {
        var size = _a.HeadSize;
        var half = size / 2;
        for (var t = 0; t < s; t++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = LlamaDecoder.RotaryAngle(t, i, _a);
                double cos = (float)Math.Cos(angle), sin = (float)Math.Sin(angle);
                for (var head = 0; head < heads; head++)
                {
                    var at = (t * heads * size) + (head * size) + i;
                    var (first, second) = (x[at], x[at + half]);
                    x[at] = (first * cos) - (second * sin);
                    x[at + half] = (second * cos) + (first * sin);
                }
            }
        }
    }

    private double[] Attend(double[] q, double[] k, double[] v, int s)
    {
        var a = _a;
        var size = a.HeadSize;
        var group = a.NumHeads / a.NumKvHeads;
        var scale = 1 / Math.Sqrt(size);
        var output = new double[s * a.QueryWidth];
        var scores = new double[s];
        for (var t = 0; t < s; t++)
        {
            for (var head = 0; head < a.NumHeads; head++)
            {
                var kvHead = head / group;
                var query = q.AsSpan((t * a.QueryWidth) + (head * size), size);
                var max = double.NegativeInfinity;
                for (var j = 0; j <= t; j++)
                {
                    var key = k.AsSpan((j * a.KvWidth) + (kvHead * size), size);
                    var dot = 0.0;
                    for (var d = 0; d < size; d++)
                    {
                        dot += query[d] * key[d];
                    }

                    scores[j] = dot * scale;
                    max = Math.Max(max, scores[j]);
                }

                var sum = 0.0;
                for (var j = 0; j <= t; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    sum += scores[j];
                }

                var target = output.AsSpan((t * a.QueryWidth) + (head * size), size);
                for (var j = 0; j <= t; j++)
                {
                    var value = v.AsSpan((j * a.KvWidth) + (kvHead * size), size);
                    var weight = scores[j] / sum;
                    for (var d = 0; d < size; d++)
                    {
                        target[d] += weight * value[d];
                    }
                }
            }
        }

        return output;
    }
}
