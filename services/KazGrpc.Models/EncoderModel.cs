using System.Buffers;
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
        var types = ArrayPool<long>.Shared.Rent(cells);
        try
        {
            Array.Clear(ids, 0, cells);
            Array.Clear(mask, 0, cells);
            Array.Clear(types, 0, cells);
            for (var b = 0; b < batch; b++)
            {
                var input = inputs[b];
                for (var t = 0; t < input.Length; t++)
                {
                    ids[(b * length) + t] = input[t];
                    mask[(b * length) + t] = 1;
                }
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
            ArrayPool<long>.Shared.Return(types);
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

    private float[][] Pool(ReadOnlySpan<float> hidden, IReadOnlyList<int[]> inputs, int length, int dimensions)
    {
        var result = new float[inputs.Count][];
        for (var b = 0; b < inputs.Count; b++)
        {
            var vector = new float[dimensions];
            var tokens = _clsPooling ? 1 : inputs[b].Length;
            for (var t = 0; t < tokens; t++)
            {
                var row = hidden.Slice(((b * length) + t) * dimensions, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    vector[d] += row[d];
                }
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
}
