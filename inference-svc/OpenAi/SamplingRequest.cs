using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>What <c>/v1/completions</c> and <c>/v1/chat/completions</c> share: the model, OpenAI's
/// sampling and streaming parameters, vLLM's sampling extras and KazGrpc's script option. Unknown
/// members are ignored; members this server cannot honour are refused by <see cref="OpenAiRequests"/>.</summary>
internal abstract class SamplingRequest
{
    public string? Model { get; set; }

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

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    /// <summary>Accepted and ignored.</summary>
    public string? User { get; set; }

    public int? TopK { get; set; }

    public float? MinP { get; set; }

    public float? RepetitionPenalty { get; set; }

    public bool? IgnoreEos { get; set; }

    public int? MinTokens { get; set; }

    public List<uint>? StopTokenIds { get; set; }

    /// <summary>KazGrpc's extension: <c>latin</c> when the prompt or the messages are Latin-script Kazakh,
    /// converted to Cyrillic before the tokenizer sees them; <c>cyrillic</c> or absent: as they are.</summary>
    public string? KazgrpcInputScript { get; set; }

    /// <summary>KazGrpc's extension: <c>allow</c>, <c>mask</c> or <c>reject</c> for identification and phone
    /// numbers in the text; only a policy stricter than the caller's configured one changes anything.</summary>
    public string? KazgrpcSensitiveNumbers { get; set; }
}
