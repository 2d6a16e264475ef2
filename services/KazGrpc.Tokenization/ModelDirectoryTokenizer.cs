using System.Text.Json;

namespace KazGrpc.Tokenization;

/// <summary>Finds which tokenizer files a model directory holds and how to load them.</summary>
public static class ModelDirectoryTokenizer
{
    /// <summary>The tokenizer the directory's <c>kazgrpc.json</c> names (<c>"tokenizer": "o200k_base"</c>);
    /// null when it has no such file or names none (a file that cannot be read is the model loader's to report).</summary>
    public static string? NamedTokenizer(string directory)
    {
        var path = Path.Combine(directory, "kazgrpc.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("tokenizer", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } tokenizer
                ? tokenizer
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Returns the loader for the first tokenizer found, in this order: <c>tokenizer.model</c> or
    /// <c>original/tokenizer.model</c> (tiktoken rank file in Llama 3 form, else SentencePiece, with
    /// fairseq's ids when <c>tokenizer_config.json</c> names an XLM-RoBERTa tokenizer class),
    /// <c>sentencepiece.bpe.model</c> (SentencePiece with fairseq's ids, as XLM-RoBERTa and
    /// multilingual-e5), <c>*.tiktoken</c>, <c>vocab.json</c> + <c>merges.txt</c>, <c>vocab.txt</c>.
    /// Null, with the reason, when there is none.
    /// </summary>
    public static Func<TokenizerDefinition>? Find(string name, string directory, out string reason)
    {
        reason = string.Empty;
        var config = new Lazy<ModelTokenizerConfig>(() => ModelTokenizerConfig.Read(directory));
        foreach (var candidate in new[] { Path.Combine(directory, "tokenizer.model"), Path.Combine(directory, "original", "tokenizer.model") })
        {
            if (File.Exists(candidate))
            {
                return () =>
                {
                    // Read once: the bytes tell the format, and a rank file is loaded from them.
                    var contents = File.ReadAllBytes(candidate);
                    return TiktokenLoader.IsRankFile(contents) ? TiktokenLoader.LoadLlama3(name, contents, config.Value)
                        : config.Value.IsXlmRoberta ? SentencePieceLoader.LoadFairseq(name, candidate, config.Value)
                        : SentencePieceLoader.Load(name, candidate, config.Value);
                };
            }
        }

        var fairseq = Path.Combine(directory, SentencePieceLoader.FairseqModelFileName);
        if (File.Exists(fairseq))
        {
            return () => SentencePieceLoader.LoadFairseq(name, fairseq, config.Value);
        }

        var tiktoken = Directory.EnumerateFiles(directory, "*.tiktoken").Order(StringComparer.Ordinal).FirstOrDefault();
        if (tiktoken is not null)
        {
            return () => TiktokenLoader.LoadRankFile(name, tiktoken, config.Value);
        }

        var vocabJson = Path.Combine(directory, "vocab.json");
        var merges = Path.Combine(directory, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(merges))
        {
            return () => ByteLevelBpeLoader.Load(name, vocabJson, merges, config.Value);
        }

        var vocabTxt = Path.Combine(directory, "vocab.txt");
        if (File.Exists(vocabTxt))
        {
            return () => WordPieceLoader.Load(name, vocabTxt, config.Value);
        }

        reason = File.Exists(Path.Combine(directory, "tokenizer.json"))
            ? "tokenizer.json cannot be read by Microsoft.ML.Tokenizers; convert it with `kazgrpc convert-tokenizer --input tokenizer.json --output <this directory>` (dotnet run --project tools/KazGrpc.Tools -- convert-tokenizer ...)"
            : "no tokenizer.model, sentencepiece.bpe.model, *.tiktoken, vocab.json + merges.txt or vocab.txt";
        return null;
    }
}
