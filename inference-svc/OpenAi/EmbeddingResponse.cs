using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The answer of <c>POST /v1/embeddings</c>.</summary>
internal sealed record EmbeddingResponse(IReadOnlyList<EmbeddingObject> Data, string Model, UsageObject Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}
