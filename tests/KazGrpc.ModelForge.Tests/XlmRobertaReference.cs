namespace KazGrpc.ModelForge.Tests;

/// <summary>
/// The forward pass of an XLM-RoBERTa-class encoder for one unpadded sequence, in plain code from
/// <see cref="XlmRobertaWeights"/>, as Hugging Face's XLMRobertaModel computes it: the reference
/// the forged graph is held to.
/// </summary>
public static class XlmRobertaReference
{
    /// <summary>The last hidden state of <paramref name="ids"/>, [sequence, hidden] row-major.</summary>
    public static float[] LastHiddenState(XlmRobertaWeights weights, IReadOnlyList<long> ids)
    {
        var a = weights.Architecture;
        int s = ids.Count, h = a.HiddenSize;
        var x = new float[s * h];
        for (var t = 0; t < s; t++)
        {
            // RoBERTa's position ids: the padding id plus the token's 1-based place.
            var position = a.PaddingId + 1 + t;
            for (var d = 0; d < h; d++)
            {
                x[(t * h) + d] = weights.WordEmbeddings.Span[(int)(ids[t] * h) + d] + weights.PositionEmbeddings.Span[(position * h) + d]
                    + weights.TokenTypeEmbedding.Span[d];
            }
        }

        LayerNorm(x, s, h, weights.EmbeddingNorm.Span, weights.EmbeddingNormBias.Span, a.LayerNormEpsilon);
        foreach (var layer in weights.Layers)
        {
            x = Layer(layer, a, x, s);
        }

        return x;
    }

    private static float[] Layer(XlmRobertaLayerWeights w, XlmRobertaArchitecture a, float[] x, int s)
    {
        int h = a.HiddenSize, heads = a.NumHeads, hs = a.HeadSize;
        var q = Linear(x, s, h, w.Query.Span, w.QueryBias.Span, h);
        var k = Linear(x, s, h, w.Key.Span, w.KeyBias.Span, h);
        var v = Linear(x, s, h, w.Value.Span, w.ValueBias.Span, h);
        var context = new float[s * h];
        var scale = 1.0 / Math.Sqrt(hs);
        var scores = new double[s];
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < s; i++)
            {
                var max = double.NegativeInfinity;
                for (var j = 0; j < s; j++)
                {
                    double dot = 0;
                    for (var d = 0; d < hs; d++)
                    {
                        dot += (double)q[(i * h) + (head * hs) + d] * k[(j * h) + (head * hs) + d];
                    }

                    scores[j] = dot * scale;
                    max = Math.Max(max, scores[j]);
                }

                double sum = 0;
                for (var j = 0; j < s; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    sum += scores[j];
                }

                for (var d = 0; d < hs; d++)
                {
                    double value = 0;
                    for (var j = 0; j < s; j++)
                    {
                        value += scores[j] / sum * v[(j * h) + (head * hs) + d];
                    }

                    context[(i * h) + (head * hs) + d] = (float)value;
                }
            }
        }

        var attention = Linear(context, s, h, w.Output.Span, w.OutputBias.Span, h);
        for (var i = 0; i < attention.Length; i++)
        {
            attention[i] += x[i];
        }

        LayerNorm(attention, s, h, w.AttentionNorm.Span, w.AttentionNormBias.Span, a.LayerNormEpsilon);
        var inner = Linear(attention, s, h, w.Intermediate.Span, w.IntermediateBias.Span, a.IntermediateSize);
        for (var i = 0; i < inner.Length; i++)
        {
            inner[i] = (float)(0.5 * inner[i] * (1 + Erf(inner[i] / Math.Sqrt(2))));
        }

        var output = Linear(inner, s, a.IntermediateSize, w.FeedForwardOutput.Span, w.FeedForwardOutputBias.Span, h);
        for (var i = 0; i < output.Length; i++)
        {
            output[i] += attention[i];
        }

        LayerNorm(output, s, h, w.FeedForwardNorm.Span, w.FeedForwardNormBias.Span, a.LayerNormEpsilon);
        return output;
    }

    private static float[] Linear(float[] x, int rows, int input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int output)
    {
        var y = new float[rows * output];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < output; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < input; i++)
                {
                    sum += (double)x[(r * input) + i] * weight[(i * output) + o];
                }

                y[(r * output) + o] = (float)sum;
            }
        }

        return y;
    }

    private static void LayerNorm(float[] x, int rows, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * width, width);
            double mean = 0, variance = 0;
            foreach (var value in row)
            {
                mean += value;
            }

            mean /= width;
            foreach (var value in row)
            {
                variance += (value - mean) * (value - mean);
            }

            var inverse = 1 / Math.Sqrt((variance / width) + epsilon);
            for (var d = 0; d < width; d++)
            {
                row[d] = (float)(((row[d] - mean) * inverse * gamma[d]) + beta[d]);
            }
        }
    }

    // Abramowitz and Stegun 7.1.26; absolute error under 1.5e-7, far below the tests' tolerance.
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + (0.3275911 * x));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var y = 1 - (polynomial * Math.Exp(-x * x));
        return sign * y;
    }
}
