using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The body of <c>POST /v1/chat/completions</c>: OpenAI's parameters and vLLM's sampling
/// extras. Unknown members are ignored; members this server cannot honour are refused by
/// <see cref="OpenAiRequests"/>.</summary>
internal sealed class ChatCompletionRequest
{
    public string? Model { get; set; }

    public List<ChatMessageInput>? Messages { get; set; }

    /// <summary>Deprecated by OpenAI in favour of <see cref="MaxCompletionTokens"/>; both are read.</summary>
    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? N { get; set; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement Stop { get; set; }

    public long? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    /// <summary>Token id (as a string) to bias.</summary>
    public Dictionary<string, float>? LogitBias { get; set; }

    public bool? Logprobs { get; set; }

    public int? TopLogprobs { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    /// <summary>Accepted and ignored.</summary>
    public string? User { get; set; }

    public JsonElement Tools { get; set; }

    public JsonElement ToolChoice { get; set; }

    public JsonElement ResponseFormat { get; set; }

    public int? TopK { get; set; }

    public float? MinP { get; set; }

    public float? RepetitionPenalty { get; set; }

    public bool? IgnoreEos { get; set; }

    public int? MinTokens { get; set; }

    public List<uint>? StopTokenIds { get; set; }

    /// <summary>KazGrpc's extension: <c>latin</c> when the messages are Latin-script Kazakh, converted to
    /// Cyrillic before the tokenizer sees it; <c>cyrillic</c> or absent: as it is.</summary>
    public string? KazgrpcInputScript { get; set; }
}
