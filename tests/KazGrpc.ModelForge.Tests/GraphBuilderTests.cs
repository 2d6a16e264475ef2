using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.ModelForge.Tests;

public sealed class GraphBuilderTests
{
    [Fact]
    public void AddInput_SymbolicAndFixedAxes_WrittenAsDimParamAndDimValue()
    {
        var model = new GraphBuilder("g")
            .AddInput("x", OnnxElementType.Float, "batch", ShapeDim.Symbolic("sequence"), 384, default(ShapeDim))
            .AddOutput("x", OnnxElementType.Float, "batch", "sequence", 384, default(ShapeDim))
            .Build();

        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam, dims[0].ValueCase);
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal("sequence", dims[1].DimParam);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, dims[2].ValueCase);
        Assert.Equal(384, dims[2].DimValue);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.None, dims[3].ValueCase);
        Assert.Equal((int)TensorProto.Types.DataType.Float, model.Graph.Input[0].Type.TensorType.ElemType);
    }

    [Fact]
    public void AddNode_InputNotYetDefined_ThrowsNamingIt()
    {
        var builder = new GraphBuilder("g").AddInput("x", OnnxElementType.Float, 1);

        var error = Assert.Throws<ArgumentException>(() => builder.AddNode("Add", ["x", "y"], ["z"]));

        Assert.StartsWith("Node 'Add_0' (Add) reads 'y', which no graph input, initializer or earlier node defines.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNode_EmptyInputName_SkipsAnOptionalInput()
    {
        var model = new GraphBuilder("g")
            .AddInput("x", OnnxElementType.Float, 4)
            .AddNode("Clip", ["x", "", ""], ["y"])
            .AddOutput("y", OnnxElementType.Float, 4)
            .Build();

        Assert.Equal(["x", "", ""], model.Graph.Node[0].Input);
    }

    [Fact]
    public void AddNode_OutputAlreadyDefined_Throws()
    {
        var builder = new GraphBuilder("g").AddInput("x", OnnxElementType.Float, 1);

        var error = Assert.Throws<ArgumentException>(() => builder.AddNode("Neg", ["x"], ["x"]));

        Assert.StartsWith("Graph 'g' already defines a value 'x'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddInitializer_ShapeDoesNotMatchValues_Throws()
    {
        var builder = new GraphBuilder("g");

        var error = Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [1f, 2f, 3f], [2, 2]));

        Assert.StartsWith("Tensor 'w': shape [2, 2] holds 4 elements, got 3 values.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddInitializer_Int4RawData_TwoElementsPerByte()
    {
        var model = new GraphBuilder("g")
            .AddInitializer("packed", OnnxElementType.UInt4, [0x21, 0x03], [3])
            .AddOutput("packed", OnnxElementType.UInt4, 3)
            .Build();

        Assert.Equal((int)TensorProto.Types.DataType.Uint4, model.Graph.Initializer[0].DataType);
        var error = Assert.Throws<ArgumentException>(() => Tensors.FromRawData("bad", OnnxElementType.UInt4, [1, 2, 3], [3]));
        Assert.StartsWith("Tensor 'bad': shape [3] of UInt4 needs 2 bytes, got 3.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddInitializer_Int64Values_LittleEndianRawData()
    {
        var tensor = new GraphBuilder("g")
            .AddInitializer("axes", [2L, -1L], [2])
            .AddOutput("axes", OnnxElementType.Int64, 2)
            .Build().Graph.Initializer[0];

        Assert.Equal((int)TensorProto.Types.DataType.Int64, tensor.DataType);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 }, tensor.RawData.ToByteArray());
    }

    [Fact]
    public void AddNode_Attributes_WrittenInOrderWithTypes()
    {
        var node = new GraphBuilder("g")
            .AddInput("x", OnnxElementType.Float, 2, 3)
            .AddNode("Transpose", ["x"], ["y"], a => a
                .SetInts("perm", [1, 0])
                .SetFloat("f", 0.5f)
                .SetString("s", "text")
                .SetFloats("fs", [1f, 2f])
                .SetTensor("t", Tensors.FromFloats("t", [1f], []))
                .SetInt("i", 7))
            .AddOutput("y", OnnxElementType.Float, 3, 2)
            .Build().Graph.Node[0];

        Assert.Equal(["perm", "f", "s", "fs", "t", "i"], node.Attribute.Select(a => a.Name));
        Assert.Equal(AttributeProto.Types.AttributeType.Ints, node.Attribute[0].Type);
        Assert.Equal([1L, 0L], node.Attribute[0].Ints);
        Assert.Equal(0.5f, node.Attribute[1].F);
        Assert.Equal("text", node.Attribute[2].S.ToStringUtf8());
        Assert.Equal([1f, 2f], node.Attribute[3].Floats);
        Assert.Equal(AttributeProto.Types.AttributeType.Tensor, node.Attribute[4].Type);
        Assert.Equal((AttributeProto.Types.AttributeType.Int, 7L), (node.Attribute[5].Type, node.Attribute[5].I));
    }

    [Fact]
    public void AddNode_SameAttributeTwice_Throws()
    {
        var builder = new GraphBuilder("g").AddInput("x", OnnxElementType.Float, 1);

        var error = Assert.Throws<ArgumentException>(() => builder.AddNode("Cast", ["x"], ["y"], a => a.SetInt("to", 1).SetInt("to", 7)));

        Assert.StartsWith("Node 'Cast_0' (Cast) already has an attribute 'to'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_OutputNeverDefined_Throws()
    {
        var builder = new GraphBuilder("g")
            .AddInput("x", OnnxElementType.Float, 1)
            .AddOutput("y", OnnxElementType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Equal("Graph 'g' declares output 'y', which no graph input, initializer or node defines.", error.Message);
    }

    [Fact]
    public void Build_NoOutputs_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(new GraphBuilder("g").AddInput("x", OnnxElementType.Float, 1).Build);

        Assert.Equal("Graph 'g' has no outputs.", error.Message);
    }

    [Fact]
    public void Build_CalledTwice_ReturnsIndependentEqualCopies()
    {
        var builder = new GraphBuilder("g")
            .AddInput("x", OnnxElementType.Float, 1)
            .AddNode("Neg", ["x"], ["y"])
            .AddOutput("y", OnnxElementType.Float, 1);

        var first = builder.Build();
        var second = builder.Build();
        builder.AddNode("Neg", ["y"], ["z"]).AddOutput("z", OnnxElementType.Float, 1);

        Assert.Equal(first.ToByteArray(), second.ToByteArray());
        Assert.Single(first.Graph.Node);
        Assert.Equal(2, builder.Build().Graph.Node.Count);
    }

    [Fact]
    public void ImportOpset_MicrosoftDomain_ContribOperatorRunsInOnnxRuntime()
    {
        var model = new GraphBuilder("contrib")
            .ImportOpset(GraphBuilder.MicrosoftDomain, 1)
            .AddInput("x", OnnxElementType.Float, "n")
            .AddNode("Gelu", ["x"], ["y"], domain: GraphBuilder.MicrosoftDomain)
            .AddOutput("y", OnnxElementType.Float, "n")
            .Build();
        Assert.Equal([("", 17L), ("com.microsoft", 1L)], model.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.Equal("com.microsoft", model.Graph.Node[0].Domain);

        using var session = new InferenceSession(model.ToByteArray());
        using var runOptions = new RunOptions();
        using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 0f, 10f }, [2]);
        using var outputs = session.Run(runOptions, ["x"], [x], ["y"]);

        var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(0f, y[0]);
        Assert.Equal(10f, y[1], 4);
    }

    [Fact]
    public void ImportOpset_SameDomainAgain_ChangesTheVersion()
    {
        var model = new GraphBuilder("g")
            .ImportOpset("", 21)
            .SetIrVersion(10)
            .AddInput("x", OnnxElementType.Float, 1)
            .AddOutput("x", OnnxElementType.Float, 1)
            .Build();

        Assert.Equal(("", 21L), model.OpsetImport.Select(o => (o.Domain, o.Version)).Single());
        Assert.Equal(10, model.IrVersion);
    }

    [Fact]
    public void AddMetadata_DuplicateKey_Throws()
    {
        var builder = new GraphBuilder("g").AddMetadata("k", "v");

        var error = Assert.Throws<ArgumentException>(() => builder.AddMetadata("k", "w"));

        Assert.StartsWith("Model metadata already has a key 'k'.", error.Message, StringComparison.Ordinal);
    }
}
