namespace KazGrpc.Generation;

/// <summary>How a sequence ended.</summary>
/// <param name="FinishReason">Why it stopped.</param>
/// <param name="PromptTokens">Tokens of its prompt.</param>
/// <param name="CompletionTokens">Tokens it delivered to its reader.</param>
/// <param name="QueueTime">From submission to admission into a KV slot.</param>
/// <param name="TimeToFirstToken">From submission to its first token; null when it produced none.</param>
/// <param name="TotalTime">From submission to the end.</param>
public sealed record GenerationResult(
    FinishReason FinishReason, int PromptTokens, int CompletionTokens, TimeSpan QueueTime, TimeSpan? TimeToFirstToken, TimeSpan TotalTime);
