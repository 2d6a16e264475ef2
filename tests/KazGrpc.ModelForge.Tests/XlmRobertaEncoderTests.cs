using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KazGrpc.ModelForge.Tests;

public sealed class XlmRobertaEncoderTests
{
    private static readonly XlmRobertaArchitecture Tiny = new() { VocabSize = 300 };

    [Fact]
    public void Run_OneSequence_MatchesTheReference()
    {
        using var directory = new TempDirectory();
        var weights = XlmRobertaWeights.Generate(Tiny, seed: 7);
        var modelPath = XlmRobertaEncoder.Write(directory.Path, weights);
        long[] ids = [0, 57, 211, 9, 143, 2];

        var (shape, values) = Run(modelPath, ids, [1, 1, 1, 1, 1, 1], batch: 1, sequence: ids.Length);

        Assert.Equal([1L, ids.Length, Tiny.HiddenSize], shape);
        Assert.Equal(XlmRobertaReference.LastHiddenState(weights, ids), values, (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void Run_PaddedRow_RealTokensMatchTheUnpaddedRun()
    {
        using var directory = new TempDirectory();
        var modelPath = XlmRobertaEncoder.Write(directory.Path, Tiny);
        var h = Tiny.HiddenSize;

        var (_, alone) = Run(modelPath, [0, 88, 2], [1, 1, 1], batch: 1, sequence: 3);
        var (_, padded) = Run(modelPath, [0, 5, 6, 7, 2, 0, 88, 2, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], batch: 2, sequence: 5);

        Assert.Equal(alone, padded.AsSpan(5 * h, 3 * h).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Run_SameTokensInAnotherOrder_AnotherState()
    {
        using var directory = new TempDirectory();
        var modelPath = XlmRobertaEncoder.Write(directory.Path, Tiny);

        var (_, forward) = Run(modelPath, [0, 10, 20, 2], [1, 1, 1, 1], batch: 1, sequence: 4);
        var (_, swapped) = Run(modelPath, [0, 20, 10, 2], [1, 1, 1, 1], batch: 1, sequence: 4);

        // Position embeddings make the order matter.
        Assert.NotEqual(forward.AsSpan(Tiny.HiddenSize, Tiny.HiddenSize).ToArray(), swapped.AsSpan(2 * Tiny.HiddenSize, Tiny.HiddenSize).ToArray());
    }

    [Fact]
    public void Load_WithOnnxRuntime_HasXlmRobertaExportInputsAndOutput()
    {
        using var directory = new TempDirectory();
        var modelPath = XlmRobertaEncoder.Write(directory.Path, Tiny);

        using var session = new InferenceSession(modelPath);

        Assert.Equal(["input_ids", "attention_mask"], session.InputMetadata.Keys);
        Assert.All(session.InputMetadata.Values, i => Assert.Equal(TensorElementType.Int64, i.ElementDataType));
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("last_hidden_state", output.Key);
        Assert.Equal([-1, -1, 32], output.Value.Dimensions);
        Assert.Equal("xlm-roberta-encoder", session.ModelMetadata.CustomMetadataMap["kazgrpc.forge"]);
    }

    [Fact]
    public void Write_Defaults_ConfigHasE5PrefixesAndTheTokenLimit()
    {
        using var directory = new TempDirectory();

        XlmRobertaEncoder.Write(directory.Path, Tiny);

        using var json = JsonDocument.Parse(File.ReadAllText(directory.Combine("kazgrpc.json")));
        var root = json.RootElement;
        Assert.Equal(("mean", 512, 32), (root.GetProperty("pooling").GetString(), root.GetProperty("max_tokens").GetInt32(), root.GetProperty("dimensions").GetInt32()));
        Assert.Equal(("query: ", "passage: "), (root.GetProperty("query_prefix").GetString(), root.GetProperty("passage_prefix").GetString()));
        Assert.False(root.TryGetProperty("tokenizer", out _));
    }

    [Fact]
    public void Write_Twice_SameBytes()
    {
        using var directory = new TempDirectory();

        XlmRobertaEncoder.Write(directory.Combine("a"), Tiny);
        XlmRobertaEncoder.Write(directory.Combine("b"), Tiny);

        var first = File.ReadAllBytes(directory.Combine("a", "model.onnx"));
        Assert.Equal(first, File.ReadAllBytes(directory.Combine("b", "model.onnx")));
        Assert.Equal(first, XlmRobertaEncoder.Build(XlmRobertaWeights.Generate(Tiny, DecoderForgeOptions.DefaultSeed)).ToByteArray());
    }

    private static (long[] Shape, float[] Values) Run(string modelPath, long[] ids, long[] mask, int batch, int sequence)
    {
        long[] shape = [batch, sequence];
        using var session = new InferenceSession(modelPath);
        using var runOptions = new RunOptions();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["last_hidden_state"]);
        var output = Assert.Single(outputs);
        return (output.GetTensorTypeAndShape().Shape, output.GetTensorDataAsSpan<float>().ToArray());
    }
}
