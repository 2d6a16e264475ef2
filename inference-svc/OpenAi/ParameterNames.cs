using System.Text.RegularExpressions;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>
/// Renames the fields that the domain's validation names (the gRPC contract's, e.g.
/// <c>parameters.max_new_tokens</c>, <c>inputs[2]</c>) to the parameters of the OpenAI request
/// that carried them (<c>max_tokens</c>, <c>input[2]</c>), in a field path and in a message's
/// backquoted names, so that an error names what the caller sent.
/// </summary>
internal sealed partial class ParameterNames
{
    private readonly Dictionary<string, string> _renames;

    private ParameterNames(Dictionary<string, string> renames) => _renames = renames;

    /// <summary>The names of a chat request; <paramref name="maxTokens"/> is the parameter it limited its length with.</summary>
    public static ParameterNames Chat(string maxTokens) => new(new(StringComparer.Ordinal)
    {
        ["parameters.max_new_tokens"] = maxTokens,
        ["parameters.min_new_tokens"] = "min_tokens",
        ["parameters.logprobs"] = "top_logprobs",
        ["prompt"] = "messages",
        ["request_id"] = OpenAiRequests.RequestIdHeader,
    });

    /// <summary>The names of a legacy completions request.</summary>
    public static ParameterNames Completion() => new(new(StringComparer.Ordinal)
    {
        ["parameters.max_new_tokens"] = "max_tokens",
        ["parameters.min_new_tokens"] = "min_tokens",
        ["token_ids"] = "prompt",
        ["request_id"] = OpenAiRequests.RequestIdHeader,
    });

    /// <summary>The names of an embeddings request.</summary>
    public static ParameterNames Embedding() => new(new(StringComparer.Ordinal)
    {
        ["inputs"] = "input",
        ["request_id"] = OpenAiRequests.RequestIdHeader,
    });

    /// <summary>The OpenAI name of <paramref name="field"/>: a domain field renamed, the rest of
    /// <c>parameters.</c> without the prefix, anything else (the OpenAI layer's own names) as it is.</summary>
    public string Field(string field)
    {
        var end = field.IndexOf('[', StringComparison.Ordinal);
        var head = end < 0 ? field : field[..end];
        if (_renames.TryGetValue(head, out var renamed))
        {
            return renamed + field[head.Length..];
        }

        return field.StartsWith("parameters.", StringComparison.Ordinal) ? field["parameters.".Length..] : field;
    }

    /// <summary><paramref name="message"/> with each backquoted field, and the bare names of the
    /// length limits, in OpenAI's names.</summary>
    public string Message(string message)
    {
        var renamed = Quoted().Replace(message, m => $"`{Field(m.Groups[1].Value)}`");
        return BareLimit().Replace(renamed, m => _renames.TryGetValue($"parameters.{m.Value}", out var name) ? name : m.Value);
    }

    // "... must be <= max_new_tokens (4)": the limits are named outside quotes too.
    [GeneratedRegex(@"(?<![`\w.])(?:max_new_tokens|min_new_tokens)(?![`\w])", RegexOptions.CultureInvariant)]
    private static partial Regex BareLimit();

    [GeneratedRegex("`([^`]+)`", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
