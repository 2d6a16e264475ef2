using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
internal sealed class EmbeddingRequest
{
    public string? Model { get; set; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement Input { get; set; }

    /// <summary><c>float</c> (the default) or <c>base64</c> (little-endian float32).</summary>
    public string? EncodingFormat { get; set; }

    /// <summary>Only the model's own size is accepted.</summary>
    public int? Dimensions { get; set; }

    public string? User { get; set; }

    /// <summary>KazGrpc's extension: cut inputs longer than the model takes instead of refusing them.</summary>
    public bool? Truncate { get; set; }

    /// <summary><c>query</c> or <c>passage</c>: which of the model's prefixes goes before each input
    /// (the name NVIDIA's and other OpenAI-compatible embedding servers use); absent: none.</summary>
    public string? InputType { get; set; }

    /// <summary>KazGrpc's extension: <c>latin</c> when the inputs are Latin-script Kazakh, converted
    /// to Cyrillic first; <c>cyrillic</c> or absent: as they are.</summary>
    public string? KazgrpcInputScript { get; set; }

    /// <summary>KazGrpc's extension: <c>allow</c>, <c>mask</c> or <c>reject</c> for identification and phone
    /// numbers in the text; only a policy stricter than the caller's configured one changes anything.</summary>
    public string? KazgrpcSensitiveNumbers { get; set; }
}
