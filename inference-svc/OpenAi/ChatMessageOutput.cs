using System.Text.Json.Serialization;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The assistant's message, or the delta of a chunk (whose members are left out when unset).</summary>
internal sealed record ChatMessageOutput(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);
