using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using KazGrpc.Core;
using KazGrpc.ModelForge;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.Models;

/// <summary>
/// A BERT-style encoder: runs a padded batch of token ids and pools the last hidden state into
/// one vector per input. Padding never leaks: attention masks zero it, and pooling averages only
/// the input's own positions, so a vector does not depend on what shared its batch. Thread-safe
/// (ONNX Runtime sessions are); the caller bounds concurrency. Owns and disposes its sessions.
/// </summary>
/// <remarks>
/// Pooling runs on the host (the hidden state is copied out and averaged in managed code) or on the
/// encoder's device: then the encoder's output is bound to device memory through IOBinding and fed,
/// where it lies, to a forged pooling graph (<see cref="PoolingHead"/>) on the same execution
/// provider, whose [batch, dimensions] output is bound to host memory. On CUDA that keeps the
/// [batch, sequence, dimensions] hidden state off the PCIe bus. See <see cref="OnnxRuntimeOptions.Pooling"/>.
/// </remarks>
public sealed class EncoderModel : IEncoder
{
    private readonly InferenceSession _session;
    private readonly InferenceSession? _pooling;
    private readonly OrtMemoryInfo? _deviceMemory;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _clsPooling;
    private long _executedInputs;
    private volatile long[] _zeros = new long[1024];

    private EncoderModel(InferenceSession session, string provider, EmbeddingModelConfig config, InferenceSession? pooling, OrtMemoryInfo? deviceMemory)
    {
        _session = session;
        _pooling = pooling;
        _deviceMemory = deviceMemory;
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
        var declared = output.Dimensions is { Length: 3 } dims && dims[2] > 0 ? dims[2] : 0;
        if (config.Dimensions > 0 && declared > 0 && config.Dimensions != declared)
        {
            throw new InvalidOperationException(
                $"{EmbeddingModelConfig.FileName} says dimensions {config.Dimensions}, but the model's '{config.Output}' output has {declared}");
        }

        Dimensions = declared > 0 ? declared : config.Dimensions;
    }

    /// <inheritdoc />
    public string Provider { get; }

    /// <summary>Whether pooling runs on the execution provider's device (otherwise on the host).</summary>
    public bool PoolsOnDevice => _pooling is not null;

    /// <inheritdoc />
    public int Dimensions { get; private set; }

    /// <summary>Longest input in tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Inputs this model has run since it was loaded (warm-up included).</summary>
    public long ExecutedInputs => Interlocked.Read(ref _executedInputs);

    /// <summary>Loads <c>model.onnx</c> of <paramref name="directory"/> as <paramref name="config"/> describes it.
    /// The caller disposes the encoder.</summary>
    public static EncoderModel Load(string directory, EmbeddingModelConfig config, SessionFactory sessions)
    {
        var (session, provider) = sessions.Create(Path.Combine(directory, "model.onnx"));
        InferenceSession? pooling = null;
        OrtMemoryInfo? deviceMemory = null;
        try
        {
            if (sessions.PoolsOnDevice(provider))
            {
                pooling = sessions.Create(PoolingHead.Bytes(config.Pooling), provider);
                deviceMemory = sessions.DeviceMemory(provider);
            }

            return new EncoderModel(session, provider, config, pooling, deviceMemory);
        }
        catch
        {
            pooling?.Dispose();
            deviceMemory?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Inputs are padded to the longest one; masks and pooling keep the padding out.</remarks>
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
            if (_pooling is not null)
            {
                return EmbedOnDevice(_pooling, runOptions, values, maskValue, batch, cancellationToken);
            }

            using var outputs = Guard(() => _session.Run(runOptions, _inputNames, values, _outputNames), cancellationToken);
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

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _pooling?.Dispose();
        _deviceMemory?.Dispose();
    }

    /// <summary>
    /// Runs the encoder with its output bound to the device's memory, then the pooling head on that
    /// output with its own output bound to a host buffer: only [batch, dimensions] floats reach the host.
    /// </summary>
    private float[][] EmbedOnDevice(InferenceSession pooling, RunOptions runOptions, OrtValue[] values, OrtValue mask, int batch, CancellationToken cancellationToken)
    {
        using var encoderBinding = _session.CreateIoBinding();
        for (var i = 0; i < values.Length; i++)
        {
            encoderBinding.BindInput(_inputNames[i], values[i]);
        }

        encoderBinding.BindOutputToDevice(_outputNames[0], _deviceMemory!);
        using var outputs = Guard(() => _session.RunWithBoundResults(runOptions, encoderBinding), cancellationToken);
        var hidden = outputs[0];
        var dimensions = (int)hidden.GetTensorTypeAndShape().Shape[2];
        Dimensions = dimensions;

        var pooled = new float[batch * dimensions];
        using var pooledValue = OrtValue.CreateTensorValueFromMemory(pooled, [batch, dimensions]);
        using var poolingBinding = pooling.CreateIoBinding();
        poolingBinding.BindInput(PoolingHead.Hidden, hidden);
        poolingBinding.BindInput(PoolingHead.AttentionMask, mask);
        poolingBinding.BindOutput(PoolingHead.Pooled, pooledValue);
        Guard(() =>
        {
            pooling.RunWithBinding(runOptions, poolingBinding);
            poolingBinding.SynchronizeBoundOutputs();
            return true;
        }, cancellationToken);
        Interlocked.Add(ref _executedInputs, batch);

        var result = new float[batch][];
        for (var b = 0; b < batch; b++)
        {
            result[b] = pooled.AsSpan(b * dimensions, dimensions).ToArray();
        }

        return result;
    }

    private static T Guard<T>(Func<T> run, CancellationToken cancellationToken)
    {
        try
        {
            return run();
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
