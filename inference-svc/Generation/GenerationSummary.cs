using KazGrpc.Generation;
using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>How a generation ended, with its accounting and timings in milliseconds.</summary>
/// <param name="SensitiveSpans">The prompt's identification and phone numbers (message index, or 0 for a prompt; kind; code points), or null when not asked for.</param>
public sealed record GenerationSummary(
    FinishReason FinishReason, int PromptTokens, int CompletionTokens, double QueueMs, double TimeToFirstTokenMs, double TotalMs,
    IReadOnlyList<(int Index, SensitiveNumberKind Kind, int Start, int End)>? SensitiveSpans = null) : GenerationUpdate;
