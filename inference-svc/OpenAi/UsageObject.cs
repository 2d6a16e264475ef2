using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>Token accounting; embeddings have no completion tokens (left out).</summary>
internal sealed record UsageObject(
    int PromptTokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CompletionTokens,
    int TotalTokens);
