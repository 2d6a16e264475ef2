using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The body of <c>POST /v1/completions</c>: OpenAI's parameters and vLLM's sampling extras.</summary>
internal sealed class CompletionRequest
{
    public string? Model { get; set; }

    /// <summary>A string, an array of one string, or an array of token ids.</summary>
    public JsonElement Prompt { get; set; }

    /// <summary>Unset: 16, as OpenAI's legacy completions default.</summary>
    public int? MaxTokens { get; set; }

    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? N { get; set; }

    public JsonElement Stop { get; set; }

    public long? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }

    public Dictionary<string, float>? LogitBias { get; set; }

    /// <summary>How many alternatives to return per token, with each token's own log probability (0: only its own).</summary>
    public int? Logprobs { get; set; }

    public bool? Echo { get; set; }

    public int? BestOf { get; set; }

    public string? Suffix { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    public string? User { get; set; }

    public int? TopK { get; set; }

    public float? MinP { get; set; }

    public float? RepetitionPenalty { get; set; }

    public bool? IgnoreEos { get; set; }

    public int? MinTokens { get; set; }

    public List<uint>? StopTokenIds { get; set; }

    /// <summary>KazGrpc's extension: <c>latin</c> when the prompt is Latin-script Kazakh, converted to
    /// Cyrillic before the tokenizer sees it; <c>cyrillic</c> or absent: as it is.</summary>
    public string? KazgrpcInputScript { get; set; }
}
