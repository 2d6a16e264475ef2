using KazGrpc.ModelForge;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KazGrpc.ModelForge.Tests;

/// <summary>A forged decoder in an ONNX Runtime CPU session, run one step at a time with the OrtValue API.</summary>
public sealed class DecoderSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DecoderArchitecture _a;
    private readonly TensorElementType _kvType;

    public DecoderSession(string modelPath, DecoderArchitecture architecture)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(modelPath, options);
        _a = architecture;
        _kvType = _session.InputMetadata[LlamaDecoder.PastKey(0)].ElementDataType;
    }

    public InferenceSession Session => _session;

    /// <summary>An empty past for <paramref name="batch"/> sequences.</summary>
    public KvState Empty(int batch) => new(
        batch,
        0,
        [.. Enumerable.Range(0, _a.NumLayers).Select(_ => Array.Empty<float>())],
        [.. Enumerable.Range(0, _a.NumLayers).Select(_ => Array.Empty<float>())]);

    /// <summary>
    /// Runs one step: <paramref name="ids"/> [batch, ids / batch] after <paramref name="past"/>, with
    /// <paramref name="mask"/> [batch, mask / batch]. Returns the logits (and their shape) and the present KV.
    /// </summary>
    public (float[] Logits, long[] Shape, KvState Present) Run(long[] ids, long[] mask, KvState past)
    {
        var batch = past.Batch;
        var names = new List<string> { LlamaDecoder.InputIds, LlamaDecoder.AttentionMask };
        var values = new List<OrtValue>();
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(ids, [batch, ids.Length / batch]));
            values.Add(OrtValue.CreateTensorValueFromMemory(mask, [batch, mask.Length / batch]));
            for (var i = 0; i < _a.NumLayers; i++)
            {
                names.Add(LlamaDecoder.PastKey(i));
                values.Add(Kv(past.Keys[i], batch, past.Length));
                names.Add(LlamaDecoder.PastValue(i));
                values.Add(Kv(past.Values[i], batch, past.Length));
            }

            var outputNames = new List<string> { LlamaDecoder.Logits };
            for (var i = 0; i < _a.NumLayers; i++)
            {
                outputNames.Add(LlamaDecoder.PresentKey(i));
                outputNames.Add(LlamaDecoder.PresentValue(i));
            }

            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, names, values, outputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            var length = (int)outputs[1].GetTensorTypeAndShape().Shape[2];
            var keys = new float[_a.NumLayers][];
            var kvValues = new float[_a.NumLayers][];
            for (var i = 0; i < _a.NumLayers; i++)
            {
                keys[i] = Read(outputs[1 + (2 * i)]);
                kvValues[i] = Read(outputs[2 + (2 * i)]);
            }

            return (logits, shape, new KvState(batch, length, keys, kvValues));
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Prefills one sequence from an empty past; returns the last position's logits and the KV.</summary>
    public (float[] Logits, KvState Present) Prefill(IReadOnlyList<long> tokens)
    {
        var (logits, _, present) = Run([.. tokens], [.. tokens.Select(_ => 1L)], Empty(1));
        return (logits.AsSpan(logits.Length - _a.VocabSize).ToArray(), present);
    }

    public void Dispose() => _session.Dispose();

    private OrtValue Kv(float[] values, int batch, int length)
    {
        long[] shape = [batch, _a.NumKvHeads, length, _a.HeadSize];
        if (values.Length == 0)
        {
            return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _kvType, shape);
        }

        return _kvType == TensorElementType.Float16
            ? OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)v).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(values, shape);
    }

    private float[] Read(OrtValue value) => _kvType == TensorElementType.Float16
        ? [.. value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => v.ToFloat())]
        : value.GetTensorDataAsSpan<float>().ToArray();
}
