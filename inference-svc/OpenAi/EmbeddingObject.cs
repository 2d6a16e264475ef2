using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>One input's vector: a <c>float[]</c>, or its little-endian bytes as a base64 string.</summary>
internal sealed record EmbeddingObject(int Index, object Embedding)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "embedding";
}
