using System.Text.Json;

namespace KazGrpc.ModelForge;

/// <summary>
/// The <c>kazgrpc.json</c> of an embedding model directory: what the model registry needs to serve the
/// model next to <c>model.onnx</c> (kind, pooling, token limit, tokenizer, dimensions).
/// </summary>
public sealed class EmbeddingModelConfig
{
    /// <summary>The config file's name in a model directory.</summary>
    public const string FileName = "kazgrpc.json";

    /// <summary>The <c>kind</c> written: always <c>embedding</c>.</summary>
    public const string Kind = "embedding";

    /// <summary>How token vectors become one embedding; default <c>mean</c> (masked mean pooling, as sentence-transformers).</summary>
    public string Pooling { get; init; } = "mean";

    /// <summary>The most tokens per input, including special tokens; default 512 (BERT's position limit).</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>The name of the tokenizer the registry pairs with the model, e.g. <c>minilm</c>.</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The embedding's length: the last axis of <c>last_hidden_state</c>.</summary>
    public required int Dimensions { get; init; }

    /// <summary>
    /// Writes <c>{directory}/kazgrpc.json</c>, creating the directory and replacing an existing file.
    /// Keys are snake_case in a fixed order, indented two spaces, with <c>\n</c> line ends on every OS.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <returns>The config file's full path.</returns>
    public string Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(Tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(Pooling);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimensions, 1);

        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
            {
                writer.WriteStartObject();
                writer.WriteString("kind", Kind);
                writer.WriteString("pooling", Pooling);
                writer.WriteNumber("max_tokens", MaxTokens);
                writer.WriteString("tokenizer", Tokenizer);
                writer.WriteNumber("dimensions", Dimensions);
                writer.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return path;
    }
}
