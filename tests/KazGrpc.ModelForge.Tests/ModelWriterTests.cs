using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge.Tests;

public sealed class ModelWriterTests
{
    private static ModelProto SmallModel() => new GraphBuilder("small")
        .AddInput("x", OnnxElementType.Float, 4)
        .AddInitializer("w", [1f, 2f, 3f, 4f], [4])
        .AddNode("Mul", ["x", "w"], ["y"])
        .AddOutput("y", OnnxElementType.Float, 4)
        .Build();

    [Fact]
    public void Save_NewDirectory_WritesParsableModelAndNoTemporaryFile()
    {
        using var directory = new TempDirectory();
        var target = directory.Combine("nested", "model-dir");
        var model = SmallModel();

        var path = ModelWriter.Save(model, target);

        Assert.Equal(Path.Combine(target, "model.onnx"), path);
        Assert.Equal(["model.onnx"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Equal(model, ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Save_ExistingFile_IsReplaced()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("model.onnx"), new string('x', 100_000));

        var path = ModelWriter.Save(SmallModel(), directory.Path);

        Assert.Equal(SmallModel().ToByteArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_InitializersOverThreshold_ThrowsUntilExternalDataIsWritten()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<NotSupportedException>(() => ModelWriter.Save(SmallModel(), directory.Path, externalDataThresholdBytes: 8));

        Assert.Equal(
            "Model 'small' has 25 bytes of initializers, over the 8-byte limit for weights inside model.onnx; writing them to an external data file is not supported yet.",
            error.Message);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }
}
