using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>One server-sent event of a streamed chat completion.</summary>
internal sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UsageObject? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "chat.completion.chunk";
}
