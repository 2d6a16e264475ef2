using System.Runtime.InteropServices;
using KazGrpc.Generation;
using KazGrpc.ModelForge;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KazGrpc.Models;

/// <summary>
/// A Llama-class decoder in onnxruntime-genai's layout (GroupQueryAttention with a shared past and
/// present buffer) with a KV cache of slots: per layer one key and one value buffer of
/// [slots, kv heads, positions, head size], allocated once and bound in place, so each step appends
/// to the cache where it lies. A decode step binds rows 0..n-1 as one batch; a prefill binds one row
/// as a batch of one. Steps come from one thread at a time (the generation engine's). Owns and
/// disposes its session and buffers.
/// </summary>
public sealed unsafe class DecoderModel : IDecoder
{
    private readonly InferenceSession _session;
    private readonly GenAiConfig _layout;
    private readonly TensorElementType _kvType;
    private readonly int _kvElementBytes;
    private readonly long _rowElements;
    private readonly void*[] _keys;
    private readonly void*[] _values;
    private readonly float[] _logits;
    private readonly bool _lastPositionLogits;
    private readonly long[] _ids;
    private long[] _mask;
    private float[] _prefillLogits = [];
    private bool _disposed;

    internal DecoderModel(InferenceSession session, string provider, GenAiConfig layout, int slots, int maxSequenceLength)
    {
        _session = session;
        _layout = layout;
        Provider = provider;
        MaxSlots = slots;
        MaxSequenceLength = maxSequenceLength;
        var past = session.InputMetadata.TryGetValue(layout.PastKeyName(0), out var metadata)
            ? metadata
            : throw new InvalidOperationException($"decoder model has no '{layout.PastKeyName(0)}' input (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
        _kvType = past.ElementDataType;
        _kvElementBytes = _kvType switch
        {
            TensorElementType.Float => 4,
            TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
            _ => throw new InvalidOperationException($"decoder model's KV cache has element type {_kvType}; float, float16 or bfloat16 is needed"),
        };
        foreach (var name in new[] { layout.InputIdsName, layout.AttentionMaskName })
        {
            if (!session.InputMetadata.ContainsKey(name))
            {
                throw new InvalidOperationException($"decoder model has no '{name}' input (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
            }
        }

        var logits = session.OutputMetadata.TryGetValue(layout.LogitsName, out var logitsMetadata)
            ? logitsMetadata
            : throw new InvalidOperationException($"decoder model has no '{layout.LogitsName}' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        if (logits.ElementDataType != TensorElementType.Float)
        {
            throw new InvalidOperationException($"decoder model's '{layout.LogitsName}' output is {logits.ElementDataType}; float32 logits are needed");
        }

        // Graphs forged by KazGrpc compute logits for the last position only (dimension 1 is fixed
        // to 1); builder exports compute them for every position of the step.
        _lastPositionLogits = logits.Dimensions is { Length: 3 } dims && dims[1] == 1;
        _rowElements = (long)layout.NumKeyValueHeads * maxSequenceLength * layout.HeadSize;
        var bytes = checked(slots * _rowElements * _kvElementBytes);
        _keys = new void*[layout.NumHiddenLayers];
        _values = new void*[layout.NumHiddenLayers];
        try
        {
            for (var layer = 0; layer < layout.NumHiddenLayers; layer++)
            {
                _keys[layer] = NativeMemory.AllocZeroed((nuint)bytes);
                _values[layer] = NativeMemory.AllocZeroed((nuint)bytes);
            }
        }
        catch
        {
            FreeBuffers();
            throw;
        }

        _logits = GC.AllocateUninitializedArray<float>(checked(slots * layout.VocabSize), pinned: true);
        _ids = new long[Math.Max(slots, 1)];
        _mask = new long[slots * 64];
    }

    /// <summary>
    /// Loads the decoder of <paramref name="directory"/> (its <c>genai_config.json</c> and model) and
    /// allocates its KV cache: <see cref="KvCacheOptions.MaxSlots"/> rows (fewer within
    /// <see cref="KvCacheOptions.MaxBytes"/>) of <see cref="KvCacheOptions.MaxSequenceLength"/> positions.
    /// </summary>
    public static DecoderModel Load(string directory, GenAiConfig config, SessionFactory sessions, KvCacheOptions cache, int intraOpThreads)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(cache);
        if (config.PositionIdsName is not null)
        {
            throw new InvalidOperationException(
                $"{GenAiConfig.FileName} names a position_ids input ('{config.PositionIdsName}'); KazGrpc serves decoders whose GroupQueryAttention applies rotary embeddings itself");
        }

        var positions = cache.MaxSequenceLength > 0 ? Math.Min(cache.MaxSequenceLength, config.ContextLength) : Math.Min(config.ContextLength, DefaultMaxSequenceLength);
        // The KV cache lives in host memory, so the decoder runs on the CPU even where encoders run on
        // CUDA; a device-resident cache is the CUDA path's next step (see docs/performance.md).
        var (session, provider) = sessions.Create(Path.Combine(directory, config.ModelFileName), intraOpThreads, cpuOnly: true);
        try
        {
            var kvBytes = session.InputMetadata.TryGetValue(config.PastKeyName(0), out var past) && past.ElementDataType == TensorElementType.Float ? 4L : 2L;
            var bytesPerSlot = 2L * config.NumHiddenLayers * config.NumKeyValueHeads * positions * config.HeadSize * kvBytes;
            var slots = cache.MaxSlots;
            if (cache.MaxBytes > 0)
            {
                slots = (int)Math.Min(slots, cache.MaxBytes / bytesPerSlot);
                if (slots < 1)
                {
                    throw new InvalidOperationException(
                        $"{KvCacheOptions.SectionName}:{nameof(KvCacheOptions.MaxBytes)} is {cache.MaxBytes:N0} bytes; one KV slot of {positions:N0} positions needs {bytesPerSlot:N0}");
                }
            }

            return new DecoderModel(session, provider, config, slots, positions);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Positions per KV slot when <see cref="KvCacheOptions.MaxSequenceLength"/> is not set and the model's context is longer.</summary>
    public const int DefaultMaxSequenceLength = 8192;

    /// <inheritdoc />
    public string Provider { get; }

    /// <inheritdoc />
    public int VocabSize => _layout.VocabSize;

    /// <inheritdoc />
    public int MaxSlots { get; }

    /// <inheritdoc />
    public int MaxSequenceLength { get; }

    /// <inheritdoc />
    public int ContextLength => _layout.ContextLength;

    /// <inheritdoc />
    public IReadOnlyList<int> EosTokenIds => _layout.EosTokenIds;

    /// <inheritdoc />
    public long KvCacheBytes => 2L * _layout.NumHiddenLayers * MaxSlots * _rowElements * _kvElementBytes;

    /// <inheritdoc />
    public ReadOnlyMemory<float> Prefill(int slot, int pastLength, ReadOnlySpan<int> tokens)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, MaxSlots);
        var count = tokens.Length;
        var total = pastLength + count;
        ArgumentOutOfRangeException.ThrowIfZero(count, nameof(tokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, MaxSequenceLength, nameof(tokens));
        var ids = count <= _ids.Length ? _ids : new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = tokens[i];
        }

        var mask = Mask(total);
        mask.AsSpan(0, total).Fill(1);
        var vocab = _layout.VocabSize;
        float[] logits;
        if (_lastPositionLogits || count == 1)
        {
            logits = _logits;
        }
        else
        {
            if (_prefillLogits.Length < (long)count * vocab)
            {
                _prefillLogits = GC.AllocateUninitializedArray<float>(checked(count * vocab), pinned: true);
            }

            logits = _prefillLogits;
        }

        var logitsRows = _lastPositionLogits ? 1 : count;
        Run(ids.AsMemory(0, count), [1, count], mask.AsMemory(0, total), [1, total], slot, 1, logits.AsMemory(0, logitsRows * vocab), [1, logitsRows, vocab]);
        return logits.AsMemory((logitsRows - 1) * vocab, vocab);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<float> Decode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> pastLengths)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var batch = tokens.Length;
        ArgumentOutOfRangeException.ThrowIfZero(batch, nameof(tokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, MaxSlots, nameof(tokens));
        ArgumentOutOfRangeException.ThrowIfNotEqual(pastLengths.Length, batch, nameof(pastLengths));
        var total = 0;
        for (var i = 0; i < batch; i++)
        {
            _ids[i] = tokens[i];
            total = Math.Max(total, pastLengths[i] + 1);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(total, MaxSequenceLength, nameof(pastLengths));

        // Rows are right-padded: each row's mask covers its own context and the new token, so the
        // graph's per-row sequence lengths (the mask's sums) place each token at its own position.
        var mask = Mask(batch * total);
        for (var i = 0; i < batch; i++)
        {
            var row = mask.AsSpan(i * total, total);
            row[..(pastLengths[i] + 1)].Fill(1);
            row[(pastLengths[i] + 1)..].Clear();
        }

        var vocab = _layout.VocabSize;
        Run(_ids.AsMemory(0, batch), [batch, 1], mask.AsMemory(0, batch * total), [batch, total], 0, batch, _logits.AsMemory(0, batch * vocab), [batch, 1, vocab]);
        return _logits.AsMemory(0, batch * vocab);
    }

    /// <inheritdoc />
    public void MoveSlot(int source, int destination, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (source == destination || length == 0)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxSequenceLength);
        var headStride = (long)MaxSequenceLength * _layout.HeadSize * _kvElementBytes;
        var bytes = (long)length * _layout.HeadSize * _kvElementBytes;
        for (var layer = 0; layer < _layout.NumHiddenLayers; layer++)
        {
            foreach (var buffer in new[] { (nint)_keys[layer], (nint)_values[layer] })
            {
                var from = (byte*)buffer + (source * _rowElements * _kvElementBytes);
                var to = (byte*)buffer + (destination * _rowElements * _kvElementBytes);
                for (var head = 0; head < _layout.NumKeyValueHeads; head++)
                {
                    Buffer.MemoryCopy(from + (head * headStride), to + (head * headStride), bytes, bytes);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        FreeBuffers();
    }

    private long[] Mask(int cells)
    {
        if (_mask.Length < cells)
        {
            _mask = new long[Math.Max(cells, _mask.Length * 2)];
        }

        return _mask;
    }

    private void Run(Memory<long> ids, long[] idsShape, Memory<long> mask, long[] maskShape, int firstRow, int rows, Memory<float> logits, long[] logitsShape)
    {
        var memory = OrtMemoryInfo.DefaultInstance;
        var values = new List<OrtValue>(4 + (2 * _layout.NumHiddenLayers));
        try
        {
            using var binding = _session.CreateIoBinding();
            var idsValue = OrtValue.CreateTensorValueFromMemory(memory, ids, idsShape);
            values.Add(idsValue);
            binding.BindInput(_layout.InputIdsName, idsValue);
            var maskValue = OrtValue.CreateTensorValueFromMemory(memory, mask, maskShape);
            values.Add(maskValue);
            binding.BindInput(_layout.AttentionMaskName, maskValue);
            long[] kvShape = [rows, _layout.NumKeyValueHeads, MaxSequenceLength, _layout.HeadSize];
            var offset = firstRow * _rowElements * _kvElementBytes;
            var length = rows * _rowElements * _kvElementBytes;
            for (var layer = 0; layer < _layout.NumHiddenLayers; layer++)
            {
                // GroupQueryAttention writes the new positions into the buffer it reads the past from.
                var key = OrtValue.CreateTensorValueWithData(memory, _kvType, kvShape, (nint)((byte*)_keys[layer] + offset), length);
                values.Add(key);
                binding.BindInput(_layout.PastKeyName(layer), key);
                binding.BindOutput(_layout.PresentKeyName(layer), key);
                var value = OrtValue.CreateTensorValueWithData(memory, _kvType, kvShape, (nint)((byte*)_values[layer] + offset), length);
                values.Add(value);
                binding.BindInput(_layout.PastValueName(layer), value);
                binding.BindOutput(_layout.PresentValueName(layer), value);
            }

            var logitsValue = OrtValue.CreateTensorValueFromMemory(memory, logits, logitsShape);
            values.Add(logitsValue);
            binding.BindOutput(_layout.LogitsName, logitsValue);
            using var runOptions = new RunOptions();
            _session.RunWithBinding(runOptions, binding);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private void FreeBuffers()
    {
        for (var layer = 0; layer < _keys.Length; layer++)
        {
            NativeMemory.Free(_keys[layer]);
            NativeMemory.Free(_values[layer]);
            _keys[layer] = null;
            _values[layer] = null;
        }
    }
}
