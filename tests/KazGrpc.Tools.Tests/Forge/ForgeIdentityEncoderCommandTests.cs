using System.Text.Json;
using Google.Protobuf;
using KazGrpc.ModelForge;
using KazGrpc.ModelForge.Onnx;
using KazGrpc.Tools.Forge;

namespace KazGrpc.Tools.Tests.Forge;

public sealed class ForgeIdentityEncoderCommandTests
{
    [Fact]
    public async Task Run_AllOptions_WritesModelAndConfig()
    {
        using var directory = new TempDirectory();
        var target = directory.Combine("identity");

        var (code, output, error) = await RunAsync("--out", target, "--dimensions", "32", "--tokenizer", "wordpiece");

        Assert.Equal((ExitCodes.Success, ""), (code, error));
        Assert.Contains("identity encoder, 32 dimensions, tokenizer 'wordpiece'", output, StringComparison.Ordinal);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(target, "model.onnx")));
        Assert.Equal(IdentityEncoder.Build(32), model);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, "kazgrpc.json")));
        Assert.Equal("wordpiece", json.RootElement.GetProperty("tokenizer").GetString());
        Assert.Equal(32, json.RootElement.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task Run_OutOnly_384DimensionsAndMiniLm()
    {
        using var directory = new TempDirectory();

        var (code, output, _) = await RunAsync("--out", directory.Path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("384 dimensions, tokenizer 'minilm'", output, StringComparison.Ordinal);
        Assert.Equal(IdentityEncoder.Build().ToByteArray(), File.ReadAllBytes(directory.Combine("model.onnx")));
    }

    [Theory]
    [InlineData(new string[0], "Option '--out' is required.")]
    [InlineData(new[] { "--out" }, "Required argument missing for option: '--out'.")]
    [InlineData(new[] { "--out", "x", "--dimensions", "0" }, "--dimensions must be a positive integer; got '0'")]
    [InlineData(new[] { "--out", "x", "--dimensions", "many" }, "--dimensions must be a positive integer; got 'many'")]
    [InlineData(new[] { "--out", "x", "--layers", "2" }, "Unrecognized command or argument '--layers'.")]
    public async Task Run_MalformedCommandLine_UsageErrorNamingTheProblem(string[] args, string message)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutIsAFile_FailsWithMessage()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("not-a-directory");
        File.WriteAllText(file, "");

        var (code, _, error) = await RunAsync("--out", file);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith($"kazgrpc forge identity-encoder: cannot write '{file}': ", error, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(["forge", "identity-encoder", .. args]);
}
