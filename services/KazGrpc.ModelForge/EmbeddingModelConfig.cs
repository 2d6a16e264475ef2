using System.Text.Json;

namespace KazGrpc.ModelForge;

/// <summary>
/// The <c>kazgrpc.json</c> of an embedding model directory, read by the model registry and written by
/// the forge: <c>{"kind":"embedding","pooling":"mean","max_tokens":512,"tokenizer":"minilm",
/// "output":"last_hidden_state","dimensions":384}</c>, and for models trained with input prefixes
/// (E5) <c>"query_prefix":"query: ","passage_prefix":"passage: "</c>. Every key is optional on read;
/// a missing file means the defaults, which suit sentence-transformer exports.
/// </summary>
public sealed class EmbeddingModelConfig
{
    /// <summary>The config file's name in a model directory.</summary>
    public const string FileName = "kazgrpc.json";

    /// <summary>The longest prefix, in UTF-16 units: an instruction, not a document.</summary>
    public const int MaxPrefixLength = 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary><c>embedding</c> (default) or <c>generation</c> (a decoder without <c>genai_config.json</c>).</summary>
    public string Kind { get; init; } = "embedding";

    /// <summary>How token vectors become one embedding: <c>mean</c> (default; masked mean over the
    /// hidden state, as sentence-transformers) or <c>cls</c> (the first token's vector).</summary>
    public string Pooling { get; init; } = "mean";

    /// <summary>The most tokens per input, framing tokens included. Default 512 (BERT's position limit).</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>The tokenizer tokenizer-svc knows the model's by. Default (null): the model directory's name.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>The name of the hidden-state output [batch, sequence, dimensions]. Default <c>last_hidden_state</c>.</summary>
    public string Output { get; init; } = "last_hidden_state";

    /// <summary>The embedding's length, the output's last axis. Default 0: whatever the model declares.
    /// When set, loading fails if the model declares another.</summary>
    public int Dimensions { get; init; }

    /// <summary>The text put before an input that is a search query (Embed's <c>input_type</c> QUERY),
    /// e.g. E5's <c>query: </c>. Default (null): none.</summary>
    public string? QueryPrefix { get; init; }

    /// <summary>The text put before an input that is a document to be found (<c>input_type</c>
    /// PASSAGE), e.g. E5's <c>passage: </c>. Default (null): none.</summary>
    public string? PassagePrefix { get; init; }

    /// <summary>
    /// Reads <c>kazgrpc.json</c> from <paramref name="directory"/>, or the defaults when it is absent.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not valid JSON or a value is out of range; the message names the file, the key and the value.</exception>
    public static EmbeddingModelConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new EmbeddingModelConfig();
        }

        EmbeddingModelConfig config;
        try
        {
            config = JsonSerializer.Deserialize<EmbeddingModelConfig>(File.ReadAllText(path), Json) ?? new EmbeddingModelConfig();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}: {ex.Message}", ex);
        }

        config.Validate(path);
        return config;
    }

    /// <summary>
    /// Writes <c>{directory}/kazgrpc.json</c>, creating the directory and replacing an existing file.
    /// Keys are snake_case in a fixed order, indented two spaces, with <c>\n</c> line ends on every OS;
    /// <c>tokenizer</c>, <c>dimensions</c> and the prefixes are written only when set.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <returns>The config file's full path.</returns>
    public string Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Validate(path);

        Directory.CreateDirectory(directory);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
            {
                writer.WriteStartObject();
                writer.WriteString("kind", Kind);
                writer.WriteString("pooling", Pooling);
                writer.WriteNumber("max_tokens", MaxTokens);
                if (Tokenizer is not null)
                {
                    writer.WriteString("tokenizer", Tokenizer);
                }

                writer.WriteString("output", Output);
                if (Dimensions > 0)
                {
                    writer.WriteNumber("dimensions", Dimensions);
                }

                if (QueryPrefix is not null)
                {
                    writer.WriteString("query_prefix", QueryPrefix);
                }

                if (PassagePrefix is not null)
                {
                    writer.WriteString("passage_prefix", PassagePrefix);
                }

                writer.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return path;
    }

    private void Validate(string path)
    {
        static InvalidOperationException Bad(string path, string key, string rule, object? value) =>
            new($"{path}: {key} must be {rule}; got {(value is string text ? $"'{text}'" : value)}");

        if (Kind is not ("embedding" or "generation"))
        {
            throw Bad(path, "kind", "embedding or generation", Kind);
        }

        if (Pooling is not ("mean" or "cls"))
        {
            throw Bad(path, "pooling", "mean or cls", Pooling);
        }

        if (MaxTokens is < 2 or > 1 << 20)
        {
            throw Bad(path, "max_tokens", "in [2, 1048576]", MaxTokens);
        }

        if (Tokenizer is not null && string.IsNullOrWhiteSpace(Tokenizer))
        {
            throw Bad(path, "tokenizer", "a tokenizer name when present", Tokenizer);
        }

        if (string.IsNullOrWhiteSpace(Output))
        {
            throw Bad(path, "output", "an output name", Output);
        }

        if (Dimensions < 0)
        {
            throw Bad(path, "dimensions", "positive when present", Dimensions);
        }

        if (QueryPrefix is { Length: > MaxPrefixLength })
        {
            throw Bad(path, "query_prefix", $"at most {MaxPrefixLength} characters", QueryPrefix.Length);
        }

        if (PassagePrefix is { Length: > MaxPrefixLength })
        {
            throw Bad(path, "passage_prefix", $"at most {MaxPrefixLength} characters", PassagePrefix.Length);
        }
    }
}
