namespace KazGrpc.Hosting.Security;

/// <summary>A caller's effective quotas, 0 meaning unlimited (see <see cref="QuotaOptions"/>).</summary>
internal readonly record struct QuotaLimits(
    int ConcurrentRequests, int ConcurrentStreams, int PromptTokensPerMinute, int GeneratedTokensPerMinute, int StreamMessagesPerSecond = 0)
{
    public static QuotaLimits Resolve(QuotaOptions own, QuotaLimits defaults) => new(
        own.MaxConcurrentRequests ?? defaults.ConcurrentRequests,
        own.MaxConcurrentStreams ?? defaults.ConcurrentStreams,
        own.PromptTokensPerMinute ?? defaults.PromptTokensPerMinute,
        own.GeneratedTokensPerMinute ?? defaults.GeneratedTokensPerMinute,
        own.StreamMessagesPerSecond ?? defaults.StreamMessagesPerSecond);
}
