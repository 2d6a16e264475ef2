using KazGrpc.Text;

namespace KazGrpc.Tokenization;

/// <summary>A request to encode texts.</summary>
public sealed record TokenizeCommand
{
    /// <summary>Tokenizer name.</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The texts, encoded in order.</summary>
    public required IReadOnlyList<string> Texts { get; init; }

    /// <summary>Add framing tokens (BOS; [CLS]/[SEP]).</summary>
    public bool AddSpecialTokens { get; init; }

    /// <summary>Return each id's code point span.</summary>
    public bool ReturnOffsets { get; init; }

    /// <summary>Keep at most this many ids per text, framing included; 0 keeps all.</summary>
    public int MaxTokens { get; init; }

    /// <summary>Encode special-token spellings as control tokens (trusted callers only).</summary>
    public bool AllowSpecialTokens { get; init; }

    /// <summary>The script the texts are written in: <see cref="Script.Latin"/> converts them to
    /// Cyrillic before encoding (offsets still refer to the texts as given); null or
    /// <see cref="Script.Cyrillic"/> encodes them as they are.</summary>
    public Script? InputScript { get; init; }

    /// <summary>What to do with the sensitive numbers in the texts: the stricter of the caller's policy and the request's.</summary>
    public SensitiveNumberPolicy SensitiveNumbers { get; init; }

    /// <summary>Return where each text's sensitive numbers are (<see cref="TokenizeResult.SensitiveSpans"/>), whatever the policy.</summary>
    public bool ReturnSensitiveSpans { get; init; }
}
