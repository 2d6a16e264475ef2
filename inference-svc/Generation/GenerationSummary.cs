using KazGrpc.Generation;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>How a generation ended, with its accounting and timings in milliseconds.</summary>
public sealed record GenerationSummary(
    FinishReason FinishReason, int PromptTokens, int CompletionTokens, double QueueMs, double TimeToFirstTokenMs, double TotalMs) : GenerationUpdate;
