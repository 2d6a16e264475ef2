using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The body of <c>POST /v1/completions</c>: the shared sampling parameters, and the legacy
/// completions' own.</summary>
internal sealed class CompletionRequest : SamplingRequest
{
    /// <summary>A string, an array of one string, or an array of token ids.</summary>
    public JsonElement Prompt { get; set; }

    /// <summary>Unset: 16, as OpenAI's legacy completions default.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>How many alternatives to return per token, with each token's own log probability (0: only its own).</summary>
    public int? Logprobs { get; set; }

    public bool? Echo { get; set; }

    public int? BestOf { get; set; }

    public string? Suffix { get; set; }
}
