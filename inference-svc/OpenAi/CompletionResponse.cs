using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The answer of <c>POST /v1/completions</c>, and each chunk of its stream (without usage but
/// the last one, when asked for).</summary>
internal sealed record CompletionResponse(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<CompletionChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UsageObject? Usage)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; } = "text_completion";
}
