using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
internal sealed record ModelList(IReadOnlyList<ModelObject> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "list";
}
