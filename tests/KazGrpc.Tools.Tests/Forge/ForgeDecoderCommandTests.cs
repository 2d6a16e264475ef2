using Google.Protobuf;
using KazGrpc.ModelForge;
using KazGrpc.ModelForge.Onnx;
using KazGrpc.Tools.Forge;

namespace KazGrpc.Tools.Tests.Forge;

public sealed class ForgeDecoderCommandTests
{
    [Fact]
    public async Task Run_AllOptions_WritesTheModelTheLibraryBuilds()
    {
        using var directory = new TempDirectory();
        var target = directory.Combine("decoder");

        var (code, output, error) = await RunAsync("--out", target, "--size", "tiny", "--precision", "int4", "--seed", "9", "--vocab-size", "256", "--full-logits");

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.Contains("(tiny decoder, int4, ", output, StringComparison.Ordinal);
        Assert.Contains("vocabulary 256, seed 9, logits at every position)", output, StringComparison.Ordinal);
        var options = new DecoderForgeOptions { Precision = DecoderPrecision.Int4, Seed = 9, VocabSize = 256, FullLogits = true };
        var expected = LlamaDecoder.Build(LlamaWeights.Generate(options.Architecture(), 9), options);
        Assert.Equal(expected.ToByteArray(), File.ReadAllBytes(Path.Combine(target, "model.onnx")));
        var config = GenAiConfig.Read(target);
        Assert.Equal((256, 255), (config.VocabSize, config.EosTokenIds[0]));
    }

    [Fact]
    public async Task Run_OutOnly_TinyFp32WithO200kVocabulary()
    {
        using var directory = new TempDirectory();

        var (code, output, _) = await RunAsync("--out", directory.Path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("(tiny decoder, fp32, 25,676,480 parameters, vocabulary 200019, seed 42, last-position logits)", output, StringComparison.Ordinal);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(directory.Combine("model.onnx")));
        var logits = model.Graph.Output.Single(o => o.Name == "logits");
        Assert.Equal([0, 1, 200_019], logits.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([199_999], GenAiConfig.Read(directory.Path).EosTokenIds);
    }

    [Theory]
    [InlineData(new string[0], "Option '--out' is required.")]
    [InlineData(new[] { "--out", "x", "--size", "huge" }, "Argument 'huge' not recognized. Must be one of:")]
    [InlineData(new[] { "--out", "x", "--precision", "Fp32" }, "Argument 'Fp32' not recognized. Must be one of:")]
    [InlineData(new[] { "--out", "x", "--seed", "-1" }, "--seed must be a non-negative integer; got '-1'")]
    [InlineData(new[] { "--out", "x", "--seed", "one" }, "--seed must be a non-negative integer; got 'one'")]
    [InlineData(new[] { "--out", "x", "--vocab-size", "1" }, "--vocab-size must be an integer of at least 2; got '1'")]
    [InlineData(new[] { "--out", "x", "--layers", "2" }, "Unrecognized command or argument '--layers'.")]
    public async Task Run_MalformedCommandLine_UsageErrorNamingTheProblem(string[] args, string message)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.EndsWith($"Run 'kazgrpc forge decoder --help' for its arguments and options.{Environment.NewLine}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutIsAFile_FailsWithMessage()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("not-a-directory");
        File.WriteAllText(file, "");

        var (code, _, error) = await RunAsync("--out", file, "--vocab-size", "64");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith($"kazgrpc forge decoder: cannot write '{file}': ", error, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(["forge", "decoder", .. args]);
}
