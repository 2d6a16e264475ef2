using System.Text.Json;
using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KazGrpc.ModelForge.Tests;

public sealed class IdentityEncoderTests
{
    // Two rows of five: BERT-style ids ([CLS] ... [SEP]), the second padded after three tokens.
    private static readonly long[] Ids = [101, 7592, 2088, 999, 102, 101, 30521, 102, 0, 0];
    private static readonly long[] Mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];

    // The documented formula written out here, not taken from IdentityEncoder.ValueAt.
    private static float Expected(long id, long mask, int d) =>
        ((id * ((d + 1) / 4096f)) + (((d % 17) - 8) / 64f)) * mask;

    [Theory]
    [InlineData(IdentityEncoder.DefaultDimensions)]
    [InlineData(8)]
    public void Run_Batch2x5_ShapeAndValuesFollowTheFormula(int dimensions)
    {
        using var directory = new TempDirectory();
        var modelPath = IdentityEncoder.Write(directory.Path, dimensions);

        var (shape, values) = RunEncoder(modelPath, Ids, Mask, batch: 2, sequence: 5);

        Assert.Equal([2L, 5, dimensions], shape);
        for (var token = 0; token < Ids.Length; token++)
        {
            for (var d = 0; d < dimensions; d++)
            {
                var actual = values[(token * dimensions) + d];
                Assert.Equal(Expected(Ids[token], Mask[token], d), actual);
                Assert.Equal(IdentityEncoder.ValueAt(Ids[token], Mask[token], d), actual);
            }
        }

        // Padded positions are zero; real tokens are not.
        Assert.All(values.AsSpan(8 * dimensions, 2 * dimensions).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(values.AsSpan(0, dimensions).ToArray(), v => v != 0f);
    }

    [Fact]
    public void Run_PaddedRow_RealTokensMatchTheUnpaddedRun()
    {
        using var directory = new TempDirectory();
        var modelPath = IdentityEncoder.Write(directory.Path);
        const int D = IdentityEncoder.DefaultDimensions;

        var (_, alone) = RunEncoder(modelPath, [101, 30521, 102], [1, 1, 1], batch: 1, sequence: 3);
        var (_, padded) = RunEncoder(modelPath, Ids, Mask, batch: 2, sequence: 5);

        Assert.Equal(alone, padded.AsSpan(5 * D, 3 * D).ToArray());
    }

    [Fact]
    public void Load_WithOnnxRuntime_HasBertSentenceTransformerInputsAndOutput()
    {
        using var directory = new TempDirectory();
        var modelPath = IdentityEncoder.Write(directory.Path);

        using var session = new InferenceSession(modelPath);

        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputMetadata.Keys);
        foreach (var input in session.InputMetadata.Values)
        {
            Assert.Equal(TensorElementType.Int64, input.ElementDataType);
            Assert.Equal(["batch", "sequence"], input.SymbolicDimensions);
            Assert.Equal([-1, -1], input.Dimensions);
        }

        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("last_hidden_state", output.Key);
        Assert.Equal(TensorElementType.Float, output.Value.ElementDataType);
        Assert.Equal(["batch", "sequence", ""], output.Value.SymbolicDimensions);
        Assert.Equal([-1, -1, 384], output.Value.Dimensions);
        Assert.Equal("identity-encoder", session.ModelMetadata.CustomMetadataMap["kazgrpc.forge"]);
        Assert.Equal(GraphBuilder.ProducerName, session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void Write_Twice_SameBytes()
    {
        using var directory = new TempDirectory();

        IdentityEncoder.Write(directory.Combine("a"));
        IdentityEncoder.Write(directory.Combine("b"));

        var first = File.ReadAllBytes(directory.Combine("a", "model.onnx"));
        Assert.Equal(first, File.ReadAllBytes(directory.Combine("b", "model.onnx")));
        Assert.Equal(File.ReadAllBytes(directory.Combine("a", "kazgrpc.json")), File.ReadAllBytes(directory.Combine("b", "kazgrpc.json")));
        Assert.Equal(first, IdentityEncoder.Build().ToByteArray());
    }

    [Fact]
    public void Write_Defaults_ConfigDescribesMiniLmLikeEmbeddingModel()
    {
        using var directory = new TempDirectory();

        IdentityEncoder.Write(directory.Path);

        var text = File.ReadAllText(directory.Combine("kazgrpc.json"));
        Assert.Equal(
            "{\n  \"kind\": \"embedding\",\n  \"pooling\": \"mean\",\n  \"max_tokens\": 512,\n  \"tokenizer\": \"minilm\",\n  \"output\": \"last_hidden_state\",\n  \"dimensions\": 384\n}\n",
            text);
    }

    [Fact]
    public void Write_TokenizerAndDimensions_GoIntoConfigAndModel()
    {
        using var directory = new TempDirectory();

        var modelPath = IdentityEncoder.Write(directory.Path, dimensions: 16, tokenizer: "bert-base-uncased");

        using var json = JsonDocument.Parse(File.ReadAllText(directory.Combine("kazgrpc.json")));
        Assert.Equal("bert-base-uncased", json.RootElement.GetProperty("tokenizer").GetString());
        Assert.Equal(16, json.RootElement.GetProperty("dimensions").GetInt32());
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        Assert.Equal(16, model.Graph.Output[0].Type.TensorType.Shape.Dim[2].DimValue);
    }

    [Fact]
    public void Build_Model_IsOpset17WithInitializersInRawData()
    {
        var model = IdentityEncoder.Build();

        Assert.Equal(GraphBuilder.DefaultIrVersion, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        var weights = model.Graph.Initializer.Single(t => t.Name == "weights");
        Assert.Equal([2L, 384], weights.Dims);
        Assert.Equal((int)TensorProto.Types.DataType.Float, weights.DataType);
        Assert.Equal(2 * 384 * sizeof(float), weights.RawData.Length);
        Assert.Equal(1f / 4096, BitConverter.ToSingle(weights.RawData.Span));
        Assert.Equal(IdentityEncoder.Offset(0), BitConverter.ToSingle(weights.RawData.Span[(384 * sizeof(float))..]));
        Assert.Empty(weights.FloatData);
        Assert.Single(model.Graph.Node, n => n.OpType == "MatMul");
    }

    private static (long[] Shape, float[] Values) RunEncoder(string modelPath, long[] ids, long[] mask, int batch, int sequence)
    {
        long[] shape = [batch, sequence];
        var typeIds = new long[ids.Length];
        using var session = new InferenceSession(modelPath);
        using var runOptions = new RunOptions();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(typeIds, shape);
        using var outputs = session.Run(
            runOptions,
            ["input_ids", "attention_mask", "token_type_ids"],
            [idsValue, maskValue, typeValue],
            ["last_hidden_state"]);
        var output = Assert.Single(outputs);
        return (output.GetTensorTypeAndShape().Shape, output.GetTensorDataAsSpan<float>().ToArray());
    }
}
