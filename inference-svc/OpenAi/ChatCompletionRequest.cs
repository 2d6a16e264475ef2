using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The body of <c>POST /v1/chat/completions</c>: the shared sampling parameters, and the
/// chat's own.</summary>
internal sealed class ChatCompletionRequest : SamplingRequest
{
    public List<ChatMessageInput>? Messages { get; set; }

    /// <summary>Deprecated by OpenAI in favour of <see cref="MaxCompletionTokens"/>; both are read.</summary>
    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public bool? Logprobs { get; set; }

    public int? TopLogprobs { get; set; }

    public JsonElement Tools { get; set; }

    public JsonElement ToolChoice { get; set; }

    public JsonElement ResponseFormat { get; set; }
}
