using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.ModelForge.Tests;

/// <summary>
/// The forged decoder with one caller-owned KV buffer per layer bound as both past and present
/// (IOBinding), as onnxruntime-genai's past_present_share_buffer and the engine run it:
/// GroupQueryAttention writes each new key and value in place, at each sequence's own length.
/// </summary>
public sealed class SharedKvBufferTests
{
    private const int Vocab = 512;
    private const int Capacity = 32;
    private static readonly DecoderArchitecture Tiny = DecoderArchitecture.For(DecoderSize.Tiny, Vocab);
    private static readonly LlamaWeights Weights = LlamaWeights.Generate(Tiny, seed: 7);

    [Fact]
    public void Run_PrefillThenDecodeInPlace_LogitsEqualReference()
    {
        using var directory = new TempDirectory();
        using var session = new InferenceSession(LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions()));
        using var kv = new KvBuffers(batch: 1);
        var reference = new LlamaReference(Weights);
        long[] sequence = [17, 3, 250, 99, 4, 400, 12, 77, 5];

        var logits = Step(session, kv, sequence[..5], [.. Enumerable.Repeat(1L, 5)]);
        AssertClose(reference.LastLogits(sequence[..5]), logits);
        for (var n = 6; n <= sequence.Length; n++)
        {
            logits = Step(session, kv, [sequence[n - 1]], [.. Enumerable.Repeat(1L, n)]);
            AssertClose(reference.LastLogits(sequence[..n]), logits);
        }
    }

    [Fact]
    public void Run_BatchOfTwoAtDifferentLengthsInPlace_EachRowEqualsReference()
    {
        using var directory = new TempDirectory();
        using var session = new InferenceSession(LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions()));
        using var kv = new KvBuffers(batch: 2);
        var reference = new LlamaReference(Weights);
        List<long> first = [17, 3, 250, 99, 4], second = [400, 12, 77];

        // Both prompts in one right-padded prefill fill the buffers; its logits are the last
        // column's, which for the shorter row is padding, so they are not checked here.
        Step(session, kv, [.. first, .. second, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
        for (var step = 0; step < 4; step++)
        {
            long nextFirst = 100 + step, nextSecond = 200 + step;
            first.Add(nextFirst);
            second.Add(nextSecond);
            var total = first.Count;
            long[] mask = [.. Enumerable.Repeat(1L, total), .. Enumerable.Repeat(1L, second.Count), .. new long[total - second.Count]];

            var logits = Step(session, kv, [nextFirst, nextSecond], mask);

            AssertClose(reference.LastLogits(first), logits[..Vocab]);
            AssertClose(reference.LastLogits(second), logits[Vocab..]);
        }
    }

    // One step with the KV bound in place; returns the logits, [batch, vocab].
    private static float[] Step(InferenceSession session, KvBuffers kv, long[] ids, long[] mask)
    {
        using var binding = session.CreateIoBinding();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [kv.Batch, ids.Length / kv.Batch]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [kv.Batch, mask.Length / kv.Batch]);
        binding.BindInput(LlamaDecoder.InputIds, idsValue);
        binding.BindInput(LlamaDecoder.AttentionMask, maskValue);
        for (var i = 0; i < Tiny.NumLayers; i++)
        {
            binding.BindInput(LlamaDecoder.PastKey(i), kv.Keys[i]);
            binding.BindInput(LlamaDecoder.PastValue(i), kv.Values[i]);
            binding.BindOutput(LlamaDecoder.PresentKey(i), kv.Keys[i]);
            binding.BindOutput(LlamaDecoder.PresentValue(i), kv.Values[i]);
        }

        var logits = new float[kv.Batch * Vocab];
        using var logitsValue = OrtValue.CreateTensorValueFromMemory(logits, [kv.Batch, 1, Vocab]);
        binding.BindOutput(LlamaDecoder.Logits, logitsValue);
        using var runOptions = new RunOptions();
        session.RunWithBinding(runOptions, binding);
        return logits;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        var worst = expected.Zip(actual, (x, y) => MathF.Abs(x - y)).Max();
        Assert.True(worst <= 1e-4f, $"largest difference {worst}");
    }

    /// <summary>Per layer, key and value buffers of [batch, kv_heads, Capacity, head_size], zeroed.</summary>
    private sealed class KvBuffers : IDisposable
    {
        public KvBuffers(int batch)
        {
            Batch = batch;
            long[] shape = [batch, Tiny.NumKvHeads, Capacity, Tiny.HeadSize];
            var size = batch * Tiny.KvWidth * Capacity;
            Keys = [.. Enumerable.Range(0, Tiny.NumLayers).Select(_ => OrtValue.CreateTensorValueFromMemory(new float[size], shape))];
            Values = [.. Enumerable.Range(0, Tiny.NumLayers).Select(_ => OrtValue.CreateTensorValueFromMemory(new float[size], shape))];
        }

        public int Batch { get; }

        public OrtValue[] Keys { get; }

        public OrtValue[] Values { get; }

        public void Dispose()
        {
            foreach (var value in Keys.Concat(Values))
            {
                value.Dispose();
            }
        }
    }
}
