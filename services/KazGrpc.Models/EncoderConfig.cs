using System.Text.Json;
using System.Text.Json.Serialization;

namespace KazGrpc.Models;

/// <summary>
/// The small config of a BERT-style encoder directory, <c>kazgrpc.json</c>:
/// <c>{"kind":"embedding","pooling":"mean","max_tokens":512,"tokenizer":"minilm"}</c>. Every field
/// is optional; the defaults suit sentence-transformer exports.
/// </summary>
public sealed class EncoderConfig
{
    /// <summary>File name of the config in a model directory.</summary>
    public const string FileName = "kazgrpc.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary><c>embedding</c> (default) or <c>generation</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "embedding";

    /// <summary><c>mean</c> (masked mean over the last hidden state; default) or <c>cls</c> (first token).</summary>
    [JsonPropertyName("pooling")]
    public string Pooling { get; set; } = "mean";

    /// <summary>Longest input in tokens, framing included. Default 512.</summary>
    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Tokenizer name in tokenizer-svc. Default: the model directory's name.</summary>
    [JsonPropertyName("tokenizer")]
    public string? Tokenizer { get; set; }

    /// <summary>Name of the hidden-state output. Default <c>last_hidden_state</c>.</summary>
    [JsonPropertyName("output")]
    public string Output { get; set; } = "last_hidden_state";

    /// <summary>Reads <c>kazgrpc.json</c> from <paramref name="directory"/>, or the defaults when it is absent.</summary>
    public static EncoderConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var config = File.Exists(path) ? JsonSerializer.Deserialize<EncoderConfig>(File.ReadAllText(path), Json) ?? new EncoderConfig() : new EncoderConfig();
        if (config.Pooling is not ("mean" or "cls"))
        {
            throw new InvalidOperationException($"{path}: pooling must be mean or cls; got '{config.Pooling}'");
        }

        if (config.MaxTokens is < 2 or > 1 << 20)
        {
            throw new InvalidOperationException($"{path}: max_tokens must be in [2, 1048576]; got {config.MaxTokens}");
        }

        return config;
    }
}
