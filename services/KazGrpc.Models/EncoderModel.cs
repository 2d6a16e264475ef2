using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using KazGrpc.Core;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.Models;

/// <summary>
/// A BERT-style encoder: runs a padded batch of token ids and pools the last hidden state into
/// one vector per input. Padding never leaks: attention masks zero it, and pooling averages only
/// the input's own positions, so a vector does not depend on what shared its batch. Thread-safe
/// (ONNX Runtime sessions are); the caller bounds concurrency. Owns and disposes its session.
/// </summary>
public sealed class EncoderModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _clsPooling;
    private long _executedInputs;
    private volatile long[] _zeros = new long[1024];

    private EncoderModel(InferenceSession session, string provider, EncoderConfig config)
    {
        _session = session;
        Provider = provider;
        MaxTokens = config.MaxTokens;
        _clsPooling = config.Pooling == "cls";
        var inputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "input_ids", "attention_mask" })
        {
            if (!inputs.Contains(required))
            {
                throw new InvalidOperationException($"encoder model has no '{required}' input (inputs: {string.Join(", ", inputs)})");
            }
        }

        _inputNames = inputs.Contains("token_type_ids") ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        if (!session.OutputMetadata.TryGetValue(config.Output, out var output))
        {
            throw new InvalidOperationException($"encoder model has no '{config.Output}' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        }

        _outputNames = [config.Output];
        Dimensions = output.Dimensions is { Length: 3 } dims && dims[2] > 0 ? dims[2] : 0;
    }

    /// <summary>The execution provider the session runs on.</summary>
    public string Provider { get; }

    /// <summary>Length of each vector (0 until the first run when the model does not declare it).</summary>
    public int Dimensions { get; private set; }

    /// <summary>Longest input in tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Inputs this model has run since it was loaded (warm-up included).</summary>
    public long ExecutedInputs => Interlocked.Read(ref _executedInputs);

    /// <summary>Loads <c>model.onnx</c> of <paramref name="directory"/>.</summary>
    public static EncoderModel Load(string directory, EncoderConfig config, SessionFactory sessions)
    {
        var (session, provider) = sessions.Create(Path.Combine(directory, "model.onnx"));
        try
        {
            return new EncoderModel(session, provider, config);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Embeds a batch: one pooled (not normalised) vector per input, in order. Inputs are padded to
    /// the longest one. Throws <see cref="ExecutionFailedException"/> when the model fails.
    /// </summary>
    public float[][] Embed(IReadOnlyList<int[]> inputs, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(inputs.Count);
        var batch = inputs.Count;
        var length = inputs.Max(i => i.Length);
        var cells = batch * length;
        var ids = ArrayPool<long>.Shared.Rent(cells);
        var mask = ArrayPool<long>.Shared.Rent(cells);
        var types = Zeros(cells);
        try
        {
            for (var b = 0; b < batch; b++)
            {
                var input = inputs[b];
                var row = b * length;
                for (var t = 0; t < input.Length; t++)
                {
                    ids[row + t] = input[t];
                }

                mask.AsSpan(row, input.Length).Fill(1);
                ids.AsSpan(row + input.Length, length - input.Length).Clear();
                mask.AsSpan(row + input.Length, length - input.Length).Clear();
            }

            long[] shape = [batch, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, cells), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, cells), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, cells), shape);
            OrtValue[] values = _inputNames.Length == 3 ? [idsValue, maskValue, typesValue] : [idsValue, maskValue];

            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            using var outputs = Run(runOptions, values, cancellationToken);
            Interlocked.Add(ref _executedInputs, batch);
            var hidden = outputs[0];
            var outputShape = hidden.GetTensorTypeAndShape().Shape;
            var dimensions = (int)outputShape[2];
            Dimensions = dimensions;
            return Pool(hidden.GetTensorDataAsSpan<float>(), inputs, length, dimensions);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit L2 length in place (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
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

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, OrtValue[] values, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, _inputNames, values, _outputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ExecutionFailedException($"the encoder failed: {ex.Message}", ex);
        }
    }

    /// <summary>At least <paramref name="cells"/> zeros, shared by all runs (ONNX Runtime only reads inputs).</summary>
    private long[] Zeros(int cells)
    {
        var zeros = _zeros;
        if (zeros.Length < cells)
        {
            zeros = new long[Math.Max(cells, zeros.Length * 2)];
            _zeros = zeros;
        }

        return zeros;
    }

    private float[][] Pool(ReadOnlySpan<float> hidden, IReadOnlyList<int[]> inputs, int length, int dimensions)
    {
        var result = new float[inputs.Count][];
        for (var b = 0; b < inputs.Count; b++)
        {
            var vector = new float[dimensions];
            var tokens = _clsPooling ? 1 : inputs[b].Length;
            for (var t = 0; t < tokens; t++)
            {
                AddTo(vector, hidden.Slice(((b * length) + t) * dimensions, dimensions));
            }

            var scale = 1f / tokens;
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] *= scale;
            }

            result[b] = vector;
        }

        return result;
    }

    /// <summary><paramref name="sum"/>[d] += <paramref name="row"/>[d], each dimension in the same order as a scalar loop.</summary>
    private static void AddTo(Span<float> sum, ReadOnlySpan<float> row)
    {
        var d = 0;
        if (Vector.IsHardwareAccelerated && sum.Length >= Vector<float>.Count)
        {
            var sums = MemoryMarshal.Cast<float, Vector<float>>(sum);
            var rows = MemoryMarshal.Cast<float, Vector<float>>(row);
            for (var v = 0; v < sums.Length; v++)
            {
                sums[v] += rows[v];
            }

            d = sums.Length * Vector<float>.Count;
        }

        for (; d < sum.Length; d++)
        {
            sum[d] += row[d];
        }
    }
}
