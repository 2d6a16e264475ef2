using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace KazGrpc.Tokenization.Tests;

public sealed class TokenizerRegistryTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("kazgrpc-registry-").FullName;

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public void Load_ModelThatNamesABuiltinTokenizer_NoWarningButADirectoryWithNoneWarns()
    {
        var borrower = Directory.CreateDirectory(Path.Combine(_models, "kaz-tiny")).FullName;
        File.WriteAllText(Path.Combine(borrower, "kazgrpc.json"), """{ "kind": "generation", "tokenizer": "o200k_base" }""");
        Directory.CreateDirectory(Path.Combine(_models, "empty"));
        var logger = new FakeLogger<TokenizerRegistry>();

        using var registry = TokenizerRegistry.Load(
            Options.Create(new TokenizationOptions { ModelsDirectory = _models, Builtins = [], WorkersPerTokenizer = 1 }), logger, TestContext.Current.CancellationToken);

        var warnings = logger.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => r.Message).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("empty", warning);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Debug && r.Message.Contains("names tokenizer o200k_base", StringComparison.Ordinal));
    }
}
