using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The answer of <c>POST /v1/chat/completions</c> without <c>stream</c>.</summary>
internal sealed record ChatCompletionResponse(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, UsageObject Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "chat.completion";
}
