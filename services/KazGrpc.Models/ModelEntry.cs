namespace KazGrpc.Models;

/// <summary>
/// One model of the registry: what it is, where it is in its life, and its runtime once loaded.
/// State changes are published atomically (readers see a consistent snapshot).
/// </summary>
public sealed class ModelEntry
{
    private readonly int _declaredDimensions;
    private volatile Snapshot _snapshot = new(ModelState.Loading, string.Empty, null);

    /// <summary>Creates an entry in the Loading state.</summary>
    /// <param name="name">Name used in requests.</param>
    /// <param name="directory">The model directory.</param>
    /// <param name="kind">Embedding or generation.</param>
    /// <param name="tokenizer">Tokenizer name in tokenizer-svc.</param>
    /// <param name="maxContextTokens">Longest input or context, in tokens.</param>
    /// <param name="dimensions">Vector length its config declares (embedding models); 0 when unknown until loaded.</param>
    public ModelEntry(string name, string directory, ModelKind kind, string tokenizer, int maxContextTokens, int dimensions = 0)
    {
        Name = name;
        Directory = directory;
        Kind = kind;
        Tokenizer = tokenizer;
        MaxContextTokens = maxContextTokens;
        _declaredDimensions = dimensions;
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

    /// <summary>Embedding models: the text put before an input that is a query (<c>kazgrpc.json</c>'s
    /// <c>query_prefix</c>); empty when none.</summary>
    public string QueryPrefix { get; init; } = string.Empty;

    /// <summary>Embedding models: the text put before an input that is a passage (<c>passage_prefix</c>); empty when none.</summary>
    public string PassagePrefix { get; init; } = string.Empty;

    /// <summary>Current state.</summary>
    public ModelState State => _snapshot.State;

    /// <summary>Why the model failed or is loading again; empty while Ready.</summary>
    public string Reason => _snapshot.Reason;

    /// <summary>The runtime of the model's kind (an <see cref="IEncoder"/> for embedding models), once loaded.</summary>
    public IModelRuntime? Runtime => _snapshot.Runtime;

    /// <summary>Vector length of an embedding model: the loaded encoder's, else its config's (0 when unknown).</summary>
    public int Dimensions => _snapshot.Runtime is IEncoder { Dimensions: > 0 } encoder ? encoder.Dimensions : _declaredDimensions;

    /// <summary>Execution provider, once loaded.</summary>
    public string Provider => _snapshot.Runtime?.Provider ?? string.Empty;

    /// <summary>The UNAVAILABLE error for a request to this model while it is not Ready, saying why.</summary>
    public Core.NotReadyException NotServing() => State == ModelState.Failed
        ? new Core.NotReadyException($"model '{Name}' failed: {Reason}")
        : new Core.NotReadyException($"model '{Name}' is loading; retry shortly");

    /// <summary>Publishes a new state; the runtime is kept unless replaced.</summary>
    public void Set(ModelState state, string reason = "", IModelRuntime? runtime = null) =>
        _snapshot = new Snapshot(state, reason, runtime ?? _snapshot.Runtime);

    private sealed record Snapshot(ModelState State, string Reason, IModelRuntime? Runtime);
}
