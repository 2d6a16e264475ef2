using KazGrpc.Tokenization;
using KazGrpc.Tools.ModelsPrepare;

namespace KazGrpc.Tools.Tests.ModelsPrepare;

public sealed class ModelsPrepareCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kazgrpc-models-").FullName;

    [Fact]
    public async Task Run_EmptyModelsDirectory_ExtractsMiniLm()
    {
        var (code, output, error) = await RunAsync("--models-dir", _root);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Empty(error);
        var directory = Path.Combine(_root, "minilm");
        Assert.Equal(30_522, File.ReadAllLines(Path.Combine(directory, "vocab.txt")).Length);
        Assert.Equal(90_893_304, new FileInfo(Path.Combine(directory, "model.onnx")).Length);
        var config = ModelTokenizerConfig.Read(directory);
        Assert.Equal(512, config.MaxTokens);
        Assert.True(config.DoLowerCase);
        Assert.Equal(["model.onnx", "tokenizer_config.json", "vocab.txt"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains($"{Path.Combine(directory, "vocab.txt")}: written", output, StringComparison.Ordinal);
        var decoder = Path.Combine(_root, "kaz-tiny");
        var genai = KazGrpc.ModelForge.GenAiConfig.Read(decoder);
        Assert.Equal((200_019, 2048, 2), (genai.VocabSize, genai.ContextLength, genai.NumHiddenLayers));
        Assert.Equal("o200k_base", KazGrpc.ModelForge.EmbeddingModelConfig.Read(decoder).Tokenizer);
        Assert.Contains($"{decoder}: forged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Twice_LeavesPresentFilesAlone()
    {
        Assert.Equal(ExitCodes.Success, (await RunAsync("--models-dir", _root)).Code);
        var directory = Path.Combine(_root, "minilm");
        var vocab = Path.Combine(directory, "vocab.txt");
        var written = Directory.GetFiles(directory).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        File.WriteAllText(vocab, "[PAD]\n");

        var (code, output, _) = await RunAsync("--models-dir", _root);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("[PAD]\n", File.ReadAllText(vocab));
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(directory).Order(StringComparer.Ordinal));
        Assert.Equal(written[Path.Combine(directory, "model.onnx")], File.GetLastWriteTimeUtc(Path.Combine(directory, "model.onnx")));
        Assert.Equal(4, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(": present", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_MissingFile_WritesOnlyThatOne()
    {
        Assert.Equal(ExitCodes.Success, (await RunAsync("--models-dir", _root)).Code);
        var directory = Path.Combine(_root, "minilm");
        File.Delete(Path.Combine(directory, "tokenizer_config.json"));

        var (_, output, _) = await RunAsync("--models-dir", _root);

        Assert.True(File.Exists(Path.Combine(directory, "tokenizer_config.json")));
        Assert.Contains("tokenizer_config.json: written", output, StringComparison.Ordinal);
        Assert.Contains("model.onnx: present", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_IsAUsageError()
    {
        var (code, _, error) = await RunAsync("--model-dir", _root);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Unrecognized command or argument '--model-dir'.", error, StringComparison.Ordinal);
        Assert.EndsWith("Run 'kazgrpc models prepare --help' for its arguments and options.", error.Trim(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(["models", "prepare", .. args]);
}
