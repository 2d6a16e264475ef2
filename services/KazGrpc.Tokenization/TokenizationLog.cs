using Microsoft.Extensions.Logging;

namespace KazGrpc.Tokenization;

internal static partial class TokenizationLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded tokenizer {Name} ({Kind}, {VocabSize} ids, {Workers} workers) in {ElapsedMs:F0} ms")]
    public static partial void Loaded(ILogger logger, string name, TokenizerKind kind, int vocabSize, int workers, double elapsedMs);

    [LoggerMessage(2, LogLevel.Error, "Tokenizer {Name} from {Directory} failed to load; the others are unaffected")]
    public static partial void LoadFailed(ILogger logger, Exception exception, string name, string directory);

    [LoggerMessage(3, LogLevel.Warning, "Model directory {Directory} has no tokenizer that can be read ({Reason})")]
    public static partial void NoTokenizer(ILogger logger, string directory, string reason);

    [LoggerMessage(5, LogLevel.Debug, "Model directory {Directory} has no tokenizer of its own; its kazgrpc.json names tokenizer {Tokenizer}")]
    public static partial void NamedTokenizer(ILogger logger, string directory, string tokenizer);

    [LoggerMessage(4, LogLevel.Warning, "Models directory {Directory} does not exist; only built-in tokenizers are loaded")]
    public static partial void NoModelsDirectory(ILogger logger, string directory);
}
