using System.Text.Json;
using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge.Tests;

public sealed class ForgeCommandsTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ForgeCommands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_IdentityEncoder_WritesModelAndConfig(bool leadingForge)
    {
        using var directory = new TempDirectory();
        var target = directory.Combine("identity");
        string[] args = ["identity-encoder", "--out", target, "--dimensions", "32", "--tokenizer", "wordpiece"];

        var (code, output, error) = Run(leadingForge ? ["forge", .. args] : args);

        Assert.Equal(ForgeCommands.Success, code);
        Assert.Equal("", error);
        Assert.Contains("identity encoder, 32 dimensions, tokenizer 'wordpiece'", output, StringComparison.Ordinal);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(target, "model.onnx")));
        Assert.Equal(IdentityEncoder.Build(32), model);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, "kazgrpc.json")));
        Assert.Equal("wordpiece", json.RootElement.GetProperty("tokenizer").GetString());
        Assert.Equal(32, json.RootElement.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public void Run_IdentityEncoderDefaults_384DimensionsAndMiniLm()
    {
        using var directory = new TempDirectory();

        var (code, output, _) = Run("forge", "identity-encoder", "--out", directory.Path);

        Assert.Equal(ForgeCommands.Success, code);
        Assert.Contains("384 dimensions, tokenizer 'minilm'", output, StringComparison.Ordinal);
        Assert.Equal(IdentityEncoder.Build().ToByteArray(), File.ReadAllBytes(directory.Combine("model.onnx")));
    }

    [Theory]
    [InlineData(new[] { "identity-encoder" }, "forge identity-encoder: --out <dir> is required.")]
    [InlineData(new[] { "identity-encoder", "--out" }, "forge identity-encoder: --out needs a value.")]
    [InlineData(new[] { "identity-encoder", "--out", "x", "--dimensions", "0" }, "forge identity-encoder: --dimensions must be a positive integer, got '0'.")]
    [InlineData(new[] { "identity-encoder", "--out", "x", "--dimensions", "-3" }, "forge identity-encoder: --dimensions must be a positive integer, got '-3'.")]
    [InlineData(new[] { "identity-encoder", "--out", "x", "--dimensions", "many" }, "forge identity-encoder: --dimensions must be a positive integer, got 'many'.")]
    [InlineData(new[] { "identity-encoder", "--out", "x", "--layers", "2" }, "forge identity-encoder: unknown option '--layers'.")]
    [InlineData(new[] { "decoder" }, "forge: unknown command 'decoder'.")]
    [InlineData(new[] { "forge" }, "forge: missing command.")]
    [InlineData(new string[0], "forge: missing command.")]
    public void Run_MalformedCommandLine_UsageErrorWithMessage(string[] args, string message)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(ForgeCommands.UsageError, code);
        Assert.Equal("", output);
        Assert.StartsWith(message + Environment.NewLine + "Usage: forge identity-encoder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Help_PrintsUsage()
    {
        var (code, output, error) = Run("forge", "--help");

        Assert.Equal(ForgeCommands.Success, code);
        Assert.StartsWith("Usage: forge identity-encoder --out <dir> [--dimensions N] [--tokenizer NAME]", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public void Run_OutIsAFile_FailsWithMessage()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("not-a-directory");
        File.WriteAllText(file, "");

        var (code, _, error) = Run("forge", "identity-encoder", "--out", file);

        Assert.Equal(ForgeCommands.Failure, code);
        Assert.StartsWith($"forge identity-encoder: cannot write '{file}': ", error, StringComparison.Ordinal);
    }
}
