namespace KazGrpc.Generation;

/// <summary>
/// Receives what an engine does, without transport types; <see cref="GenerationMetrics"/> turns it
/// into metrics. Callbacks come from the engine's loop and from callers' threads, so implementations
/// are thread-safe, fast, and do not throw.
/// </summary>
public interface IGenerationObserver
{
    /// <summary>A request got a KV slot after waiting <paramref name="queueTime"/>.</summary>
    void Admitted(string model, int promptTokens, TimeSpan queueTime);

    /// <summary>A sequence delivered its first token <paramref name="timeToFirstToken"/> after submission.</summary>
    void FirstToken(string model, TimeSpan timeToFirstToken);

    /// <summary>A sequence delivered a token <paramref name="interTokenLatency"/> after its previous one.</summary>
    void NextToken(string model, TimeSpan interTokenLatency);

    /// <summary>A request ended: generation finished with <paramref name="result"/>, or failed
    /// (<paramref name="result"/> null, <paramref name="outcome"/> says how).</summary>
    void Completed(string model, GenerationOutcome outcome, GenerationResult? result);
}
