using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KazGrpc.ModelForge.Tests;

public sealed class LlamaDecoderTests
{
    // ONNX Runtime's float32 kernels against the double-accumulating reference: the largest
    // difference seen is 2e-6 (logits spread about 1); 1e-4 leaves room for other CPUs' kernels.
    private const float Tolerance = 1e-4f;
    private const int Vocab = 512;
    private static readonly DecoderArchitecture Tiny = DecoderArchitecture.For(DecoderSize.Tiny, Vocab);
    private static readonly LlamaWeights Weights = LlamaWeights.Generate(Tiny, seed: 7);
    private static readonly long[] Prompt = [17, 3, 250, 99, 4, 400, 12, 77, 5];

    [Fact]
    public void Run_PrefillFp32_LastLogitsEqualReference()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions());

        var (logits, shape, present) = session.Run(Prompt, Ones(Prompt.Length), session.Empty(1));

        Assert.Equal([1L, 1, Vocab], shape);
        AssertClose(new LlamaReference(Weights).LastLogits(Prompt), logits, Tolerance);
        Assert.Equal(Prompt.Length, present.Length);
    }

    [Fact]
    public void Run_UnassignedIds_TheirLogitsSinkAndTheOthersEqualReference()
    {
        using var directory = new TempDirectory();
        int[] unassigned = [3, 250, 511];
        using var session = Forge(directory, new DecoderForgeOptions { UnassignedTokenIds = unassigned });

        var (logits, _, _) = session.Run(Prompt, Ones(Prompt.Length), session.Empty(1));

        AssertClose(new LlamaReference(Weights, unassigned).LastLogits(Prompt), logits, Tolerance);
        Assert.All(unassigned, id => Assert.Equal(DecoderForgeOptions.UnassignedLogit, logits[id], 1e3f));
        Assert.True(logits.Where((_, id) => !unassigned.Contains(id)).All(l => l > -100));
    }

    [Fact]
    public void Run_FullLogits_EveryPositionEqualsReference()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions { FullLogits = true });

        var (logits, shape, _) = session.Run(Prompt, Ones(Prompt.Length), session.Empty(1));

        Assert.Equal([1L, Prompt.Length, Vocab], shape);
        AssertClose(new LlamaReference(Weights).Logits(Prompt), logits, Tolerance);
    }

    [Fact]
    public void Run_DecodeOneTokenAtATime_EqualsFullRecompute()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions());
        var reference = new LlamaReference(Weights);

        var (_, kv) = session.Prefill(Prompt[..3]);
        for (var n = 4; n <= Prompt.Length; n++)
        {
            var (logits, shape, present) = session.Run([Prompt[n - 1]], Ones(n), kv);
            kv = present;

            Assert.Equal([1L, 1, Vocab], shape);
            Assert.Equal(n, kv.Length);
            AssertClose(reference.LastLogits(Prompt[..n]), logits, Tolerance);
            AssertClose(session.Prefill(Prompt[..n]).Logits, logits, Tolerance);
        }
    }

    [Fact]
    public void Run_PrefillInTwoChunks_EqualsUnchunked()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions());
        var (whole, wholeKv) = session.Prefill(Prompt);

        var (_, firstKv) = session.Prefill(Prompt[..4]);
        var (logits, shape, chunkedKv) = session.Run(Prompt[4..], Ones(Prompt.Length), firstKv);

        Assert.Equal([1L, 1, Vocab], shape);
        AssertClose(whole, logits, Tolerance);
        Assert.Equal(wholeKv.Length, chunkedKv.Length);
        for (var i = 0; i < Tiny.NumLayers; i++)
        {
            AssertClose(wholeKv.Keys[i], chunkedKv.Keys[i], Tolerance);
            AssertClose(wholeKv.Values[i], chunkedKv.Values[i], Tolerance);
        }
    }

    [Fact]
    public void Run_Batch2DecodeWithDifferentPastLengths_EachRowEqualsItsSequenceAlone()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions());
        long[] longer = Prompt, shorter = [5, 6, 7, 8];
        const long nextLonger = 42, nextShorter = 300;
        var (_, longerKv) = session.Prefill(longer);
        var (_, shorterKv) = session.Prefill(shorter);
        var (longerAlone, _, longerPresent) = session.Run([nextLonger], Ones(longer.Length + 1), longerKv);
        var (shorterAlone, _, shorterPresent) = session.Run([nextShorter], Ones(shorter.Length + 1), shorterKv);

        // One batch: the shorter past padded on the right to the longer's length, and its mask
        // zero past its own tokens.
        var past = Stack(longerKv, PadTo(shorterKv, longer.Length));
        long[] mask = [.. Ones(longer.Length + 1), .. Ones(shorter.Length + 1), .. new long[longer.Length - shorter.Length]];
        var (logits, shape, present) = session.Run([nextLonger, nextShorter], mask, past);

        Assert.Equal([2L, 1, Vocab], shape);
        AssertClose(longerAlone, logits.AsSpan(0, Vocab).ToArray(), Tolerance);
        AssertClose(shorterAlone, logits.AsSpan(Vocab, Vocab).ToArray(), Tolerance);
        AssertClose(new LlamaReference(Weights).LastLogits([.. shorter, nextShorter]), logits.AsSpan(Vocab, Vocab).ToArray(), Tolerance);

        // Each row's new key lands just after its own past.
        var rows = Unstack(present);
        for (var i = 0; i < Tiny.NumLayers; i++)
        {
            AssertClose(longerPresent.Keys[i], rows[0].Keys[i], Tolerance);
            AssertClose(shorterPresent.Keys[i], Truncate(rows[1], shorter.Length + 1).Keys[i], Tolerance);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_Int4_EqualsReferenceOfDequantizedWeightsAndIsNearFp32(bool zeroPoints)
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions { Precision = DecoderPrecision.Int4, Int4ZeroPoints = zeroPoints });

        var (logits, shape, present) = session.Run(Prompt, Ones(Prompt.Length), session.Empty(1));

        Assert.Equal([1L, 1, Vocab], shape);
        Assert.Equal(TensorElementType.Float, session.Session.InputMetadata[LlamaDecoder.PastKey(0)].ElementDataType);
        AssertClose(new LlamaReference(Weights.QuantizedToInt4(zeroPoints: zeroPoints)).LastLogits(Prompt), logits, Tolerance);

        // 4-bit weights (random ones, the worst case for blockwise scales) move logits of spread ~1
        // by up to 0.7: an RMS error of 0.20 (symmetric) and 0.24 (zero points) of the logits' RMS.
        var fp32 = new LlamaReference(Weights).LastLogits(Prompt);
        var error = Rms(fp32.Zip(logits, (x, y) => x - y)) / Rms(fp32);
        Assert.InRange(error, 0, 0.35);
        Assert.Equal(Prompt.Length, present.Length);
    }

    [Fact]
    public void Build_Int4_LinearLayersAreMatMulNBitsAndNoFloatMatMulRemains()
    {
        var model = LlamaDecoder.Build(Weights, new DecoderForgeOptions { Precision = DecoderPrecision.Int4 });

        var nodes = model.Graph.Node;
        Assert.DoesNotContain(nodes, n => n.OpType == "MatMul");
        var nbits = nodes.Where(n => n.OpType == "MatMulNBits").ToList();
        Assert.Equal((Tiny.NumLayers * 7) + 1, nbits.Count);
        Assert.All(nbits, n =>
        {
            Assert.Equal("com.microsoft", n.Domain);
            Assert.Equal(4, n.Attribute.Single(x => x.Name == "bits").I);
            Assert.Equal(32, n.Attribute.Single(x => x.Name == "block_size").I);
        });
        var lmHead = nbits.Single(n => n.Name == "/lm_head/MatMulNBits");
        Assert.Equal([Tiny.HiddenSize, Vocab], lmHead.Attribute.Where(x => x.Name is "K" or "N").Select(x => x.I));
        var packed = model.Graph.Initializer.Single(t => t.Name == lmHead.Input[1]);
        Assert.Equal([Vocab, Tiny.HiddenSize / 32, 16], packed.Dims);
    }

    [Fact]
    public void Run_Fp16_KvIsHalfLogitsFloatAndNearFp32()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions { Precision = DecoderPrecision.Fp16 });

        var (logits, shape, kv) = session.Run(Prompt[..5], Ones(5), session.Empty(1));
        var (next, _, _) = session.Run(Prompt[5..6], Ones(6), kv);

        Assert.Equal([1L, 1, Vocab], shape);
        Assert.Equal(TensorElementType.Float16, session.Session.InputMetadata[LlamaDecoder.PastKey(0)].ElementDataType);
        Assert.Equal(TensorElementType.Float16, session.Session.OutputMetadata[LlamaDecoder.PresentKey(0)].ElementDataType);
        Assert.Equal(TensorElementType.Float, session.Session.OutputMetadata[LlamaDecoder.Logits].ElementDataType);

        // Against float32 arithmetic on the same float16 weights, float16 activations (11-bit
        // significands) through two layers move logits by at most 2e-3 here; 2e-2 is the bound.
        var reference = new LlamaReference(Weights.RoundedToHalf());
        AssertClose(reference.LastLogits(Prompt[..5]), logits, 0.02f);
        AssertClose(reference.LastLogits(Prompt[..6]), next, 0.02f);
    }

    [Fact]
    public void Load_WithOnnxRuntime_HasTheGenAiBuilderInputsAndOutputs()
    {
        using var directory = new TempDirectory();
        using var session = Forge(directory, new DecoderForgeOptions());
        var metadata = session.Session;

        string[] inputs = ["input_ids", "attention_mask", "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"];
        string[] outputs = ["logits", "present.0.key", "present.0.value", "present.1.key", "present.1.value"];
        Assert.Equal(inputs, metadata.InputMetadata.Keys);
        Assert.Equal(outputs, metadata.OutputMetadata.Keys);
        Assert.Equal(["batch_size", "sequence_length"], metadata.InputMetadata["input_ids"].SymbolicDimensions);
        Assert.Equal(TensorElementType.Int64, metadata.InputMetadata["attention_mask"].ElementDataType);
        Assert.Equal(["batch_size", "total_sequence_length"], metadata.InputMetadata["attention_mask"].SymbolicDimensions);
        Assert.Equal([-1, 2, -1, 16], metadata.InputMetadata["past_key_values.1.value"].Dimensions);
        Assert.Equal(["batch_size", "", "past_sequence_length", ""], metadata.InputMetadata["past_key_values.1.value"].SymbolicDimensions);
        Assert.Equal([-1, 1, Vocab], metadata.OutputMetadata["logits"].Dimensions);
        Assert.Equal(["batch_size", "", "total_sequence_length", ""], metadata.OutputMetadata["present.0.key"].SymbolicDimensions);
        Assert.Equal("llama-decoder", metadata.ModelMetadata.CustomMetadataMap["kazgrpc.forge"]);
    }

    [Fact]
    public void Build_SameSeed_SameBytes_OtherSeed_OtherWeights()
    {
        var options = new DecoderForgeOptions { VocabSize = Vocab, Seed = 7 };

        var first = LlamaDecoder.Build(LlamaWeights.Generate(options.Architecture(), options.Seed), options).ToByteArray();
        var again = LlamaDecoder.Build(LlamaWeights.Generate(options.Architecture(), options.Seed), options).ToByteArray();
        var other = LlamaDecoder.Build(LlamaWeights.Generate(options.Architecture(), 8), options).ToByteArray();

        Assert.Equal(first, again);
        Assert.Equal(first.Length, other.Length);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Write_Tiny_WritesModelGenAiConfigAndKazGrpcJson()
    {
        using var directory = new TempDirectory();
        var options = new DecoderForgeOptions { VocabSize = Vocab, Seed = 7 };

        var modelPath = LlamaDecoder.Write(directory.Path, options);

        Assert.Equal(directory.Combine("model.onnx"), modelPath);
        Assert.Equal(["genai_config.json", "kazgrpc.json", "model.onnx"], Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order());
        Assert.Equal(LlamaDecoder.Build(Weights, options).ToByteArray(), File.ReadAllBytes(modelPath));
        var config = GenAiConfig.Read(directory.Path);
        Assert.Equal((2, 4, 2, 16, 64, Vocab, 2048), (config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadSize, config.HiddenSize, config.VocabSize, config.ContextLength));
        Assert.Equal([Vocab - 1], config.EosTokenIds);
        Assert.True(config.PastPresentShareBuffer);
        Assert.Equal("{\n  \"kind\": \"generation\",\n  \"tokenizer\": \"o200k_base\"\n}\n", File.ReadAllText(directory.Combine("kazgrpc.json")));
    }

    [Fact]
    public void CreateGenAiConfig_O200kVocabulary_EosIsEndOfText()
    {
        var options = new DecoderForgeOptions { Size = DecoderSize.Bench };

        var config = LlamaDecoder.CreateGenAiConfig(options.Architecture(), options);

        Assert.Equal([199_999], config.EosTokenIds);
        Assert.Equal(200_019, config.VocabSize);
        Assert.Equal(4096, config.ContextLength);
        Assert.Equal((4, 4, 2, 64, 256), (config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadSize, config.HiddenSize));
    }

    [Fact]
    public void Architecture_Bench_AboutHundredMillionParameters()
    {
        var bench = DecoderArchitecture.For(DecoderSize.Bench);

        Assert.InRange(bench.ParameterCount, 100_000_000, 110_000_000);
    }

    [Theory]
    [InlineData(DecoderPrecision.Int4, 48, 0, "Int4BlockSize must be 16, 32, 64, 128 or 256; got 48")]
    [InlineData(DecoderPrecision.Fp32, 32, 512, "EosTokenId must be an id below the vocabulary size 512; got 512")]
    public void Build_OptionsThatDoNotFit_ThrowNamingTheOption(DecoderPrecision precision, int blockSize, int eos, string message)
    {
        var options = new DecoderForgeOptions { Precision = precision, Int4BlockSize = blockSize, EosTokenId = eos == 0 ? null : eos };

        var error = Assert.Throws<ArgumentException>(() => LlamaDecoder.Build(Weights, options));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static DecoderSession Forge(TempDirectory directory, DecoderForgeOptions options) =>
        new(LlamaDecoder.Write(directory.Path, Weights, options), Tiny);

    private static long[] Ones(int count) => [.. Enumerable.Repeat(1L, count)];

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        var at = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = MathF.Abs(expected[i] - actual[i]);
            if (!(difference <= worst))
            {
                (worst, at) = (difference, i);
            }
        }

        Assert.True(worst <= tolerance, $"largest difference {worst} at {at} (expected {expected[at]}, got {actual[at]}), over {tolerance}");
    }

    private static double Rms(IEnumerable<float> values) => Math.Sqrt(values.Average(v => (double)v * v));

    // [1, kv, length, d] padded with zeros to [1, kv, target, d].
    private static KvState PadTo(KvState kv, int target)
    {
        float[] Pad(float[] values)
        {
            var padded = new float[Tiny.NumKvHeads * target * Tiny.HeadSize];
            for (var h = 0; h < Tiny.NumKvHeads; h++)
            {
                values.AsSpan(h * kv.Length * Tiny.HeadSize, kv.Length * Tiny.HeadSize).CopyTo(padded.AsSpan(h * target * Tiny.HeadSize));
            }

            return padded;
        }

        return new KvState(1, target, [.. kv.Keys.Select(Pad)], [.. kv.Values.Select(Pad)]);
    }

    private static KvState Truncate(KvState kv, int length)
    {
        float[] Cut(float[] values)
        {
            var cut = new float[Tiny.NumKvHeads * length * Tiny.HeadSize];
            for (var h = 0; h < Tiny.NumKvHeads; h++)
            {
                values.AsSpan(h * kv.Length * Tiny.HeadSize, length * Tiny.HeadSize).CopyTo(cut.AsSpan(h * length * Tiny.HeadSize));
            }

            return cut;
        }

        return new KvState(1, length, [.. kv.Keys.Select(Cut)], [.. kv.Values.Select(Cut)]);
    }

    private static KvState Stack(KvState first, KvState second) => new(
        2,
        first.Length,
        [.. first.Keys.Zip(second.Keys, (a, b) => a.Concat(b).ToArray())],
        [.. first.Values.Zip(second.Values, (a, b) => a.Concat(b).ToArray())]);

    private static KvState[] Unstack(KvState kv)
    {
        var half = kv.Keys[0].Length / 2;
        return
        [
            new KvState(1, kv.Length, [.. kv.Keys.Select(k => k[..half])], [.. kv.Values.Select(v => v[..half])]),
            new KvState(1, kv.Length, [.. kv.Keys.Select(k => k[half..])], [.. kv.Values.Select(v => v[half..])]),
        ];
    }
}
