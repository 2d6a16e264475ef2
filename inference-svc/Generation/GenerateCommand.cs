using KazGrpc.Hosting.Security;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>A Generate or Complete request, transport-free and not yet validated.</summary>
public sealed record GenerateCommand
{
    /// <summary>Name of a generation model.</summary>
    public required string Model { get; init; }

    /// <summary>Raw prompt text; empty when not given.</summary>
    public string Prompt { get; init; } = string.Empty;

    /// <summary>A conversation for the model's chat template; empty when not given.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages { get; init; } = [];

    /// <summary>Pre-tokenized prompt ids; empty when not given.</summary>
    public IReadOnlyList<uint> TokenIds { get; init; } = [];

    /// <summary>Sampling and stopping as the caller gave them.</summary>
    public GenerateParameters Parameters { get; init; } = new();

    /// <summary>The caller's id for Abort; the service makes one when empty.</summary>
    public string RequestId { get; init; } = string.Empty;

    /// <summary>Priority as given (field or header); null for the default.</summary>
    public RequestedPriority? Priority { get; init; }

    /// <summary>The caller's deadline, if any.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Who asks: its model grant is checked, its prompt and generated tokens charged, and its
    /// request ids are its own (another caller can neither abort them nor collide with them). Null for
    /// the service's own requests (warm-up).</summary>
    public CallerScope? Caller { get; init; }
    /// <summary>The script of the prompt or the messages' contents: <see cref="Script.Latin"/> converts
    /// them to Cyrillic before the template and the tokenizer see them; null or Cyrillic uses them as they are.</summary>
    public Script? InputScript { get; init; }

    /// <summary>What to do with identification and phone numbers in the texts; the caller's policy
    /// (<see cref="CallerScope.SensitiveNumbers"/>) may make it stricter, never laxer.</summary>
    public SensitiveNumberPolicy SensitiveNumbers { get; init; }

    /// <summary>Return where the texts' identification and phone numbers are, whatever the policy.</summary>
    public bool ReturnSensitiveSpans { get; init; }
}
