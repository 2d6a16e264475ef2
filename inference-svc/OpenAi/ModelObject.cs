using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>A model as <c>/v1/models</c> lists it; <see cref="MaxModelLen"/> is vLLM's extra.</summary>
internal sealed record ModelObject(string Id, long Created, int MaxModelLen)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "model";

    public string OwnedBy { get; } = "kazgrpc";
}
