namespace KazGrpc.Models;

/// <summary>
/// One model of the registry: what it is, where it is in its life, and its runtime once ready.
/// State changes are published atomically (readers see a consistent snapshot).
/// </summary>
public sealed class ModelEntry
{
    private volatile Snapshot _snapshot = new(ModelState.Loading, string.Empty, null);

    /// <summary>Creates an entry in the Loading state.</summary>
    public ModelEntry(string name, string directory, ModelKind kind, string tokenizer, int maxContextTokens)
    {
        Name = name;
        Directory = directory;
        Kind = kind;
        Tokenizer = tokenizer;
        MaxContextTokens = maxContextTokens;
    }

    /// <summary>Name used in requests (the directory's name).</summary>
    public string Name { get; }

    /// <summary>The model directory.</summary>
    public string Directory { get; }

    /// <summary>Embedding or generation.</summary>
    public ModelKind Kind { get; }

    /// <summary>Tokenizer name in tokenizer-svc.</summary>
    public string Tokenizer { get; }

    /// <summary>Longest input (embedding) or context (generation), in tokens.</summary>
    public int MaxContextTokens { get; }

    /// <summary>Current state.</summary>
    public ModelState State => _snapshot.State;

    /// <summary>Why the model failed; empty unless <see cref="State"/> is Failed.</summary>
    public string Reason => _snapshot.Reason;

    /// <summary>The encoder, once loaded (embedding models only).</summary>
    public EncoderModel? Encoder => _snapshot.Encoder;

    /// <summary>Vector length of an embedding model (0 when unknown or not an embedding model).</summary>
    public int Dimensions => _snapshot.Encoder?.Dimensions ?? 0;

    /// <summary>Execution provider, once loaded.</summary>
    public string Provider => _snapshot.Encoder?.Provider ?? string.Empty;

    /// <summary>Publishes a new state; the encoder is kept unless replaced.</summary>
    public void Set(ModelState state, string reason = "", EncoderModel? encoder = null) =>
        _snapshot = new Snapshot(state, reason, encoder ?? _snapshot.Encoder);

    private sealed record Snapshot(ModelState State, string Reason, EncoderModel? Encoder);
}
