using KazGrpc.Hosting.Security;
using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>A request to embed texts, transport-free and not yet validated.</summary>
public sealed record EmbedCommand
{
    /// <summary>Embedding model name.</summary>
    public required string Model { get; init; }

    /// <summary>Texts, embedded in order.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>L2-normalise each vector.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Cut inputs over the model's limit instead of failing.</summary>
    public bool Truncate { get; init; }

    /// <summary>The priority level the caller asked for, as given, and where it was given; none
    /// means the default level.</summary>
    public RequestedPriority? Priority { get; init; }

    /// <summary>The caller's deadline, if any.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The caller's correlation id, logged with the request at Debug; may be empty.</summary>
    public string RequestId { get; init; } = string.Empty;

    /// <summary>Who asks: its model grant is checked and its prompt tokens charged. Null for the
    /// service's own requests (warm-up).</summary>
    public CallerScope? Caller { get; init; }
    /// <summary>Which of the model's prefixes goes before each input; none by default.</summary>
    public EmbedInputType InputType { get; init; }

    /// <summary>The script the inputs are in: <see cref="Script.Latin"/> converts them to Cyrillic
    /// before the prefix goes in front; null or Cyrillic uses them as they are.</summary>
    public Script? InputScript { get; init; }

    /// <summary>What to do with identification and phone numbers in the texts; the caller's policy
    /// (<see cref="CallerScope.SensitiveNumbers"/>) may make it stricter, never laxer.</summary>
    public SensitiveNumberPolicy SensitiveNumbers { get; init; }

    /// <summary>Return where the texts' identification and phone numbers are, whatever the policy.</summary>
    public bool ReturnSensitiveSpans { get; init; }
}
