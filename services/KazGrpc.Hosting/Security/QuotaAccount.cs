using System.Threading.RateLimiting;
using KazGrpc.Core;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// One caller's use of its quotas, kept across configuration reloads. Concurrency is counted by
/// System.Threading.RateLimiting's <see cref="ConcurrencyLimiter"/> (no queue: over the limit is
/// refused at once); token rates by <see cref="TokenWindow"/>s, because generated tokens are charged
/// after the fact, which permits cannot express, and because the refusal must say when enough of the
/// minute frees. When a reload changes a concurrency limit, new limiters take over and calls in
/// progress release to the old ones, so for their lifetime the two may together admit more.
/// </summary>
internal sealed class QuotaAccount(string caller, TimeProvider time)
{
    /// <summary>The hint a concurrency refusal carries: a slot frees when one of the caller's calls ends, which no one can tell.</summary>
    public static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(1);

    private volatile Limiters _limiters = new(default, null, null);

    public TokenWindow Prompt { get; } = new(time);

    public TokenWindow Generated { get; } = new(time);

    public QuotaLimits Limits => _limiters.Limits;

    /// <summary>Takes <paramref name="limits"/> on when they differ from the ones in force.</summary>
    public void Apply(QuotaLimits limits)
    {
        if (limits != _limiters.Limits)
        {
            _limiters = new Limiters(limits, Limiter(limits.ConcurrentRequests), Limiter(limits.ConcurrentStreams));
        }
    }

    /// <summary>A slot for one call, released by disposing it; null when the limit is unlimited.
    /// Throws <see cref="OverloadedException"/> when every slot is taken.</summary>
    public RateLimitLease? AcquireSlot(bool stream)
    {
        var limiters = _limiters;
        var (limiter, limit, what) = stream
            ? (limiters.Streams, limiters.Limits.ConcurrentStreams, "streams")
            : (limiters.Requests, limiters.Limits.ConcurrentRequests, "requests");
        if (limiter is null)
        {
            return null;
        }

        var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new OverloadedException(
            $"caller '{caller}' is at its quota of {limit} concurrent {what}; retry when one of its {what} has ended", ConcurrencyRetryAfter);
    }

    /// <summary>Charges a request's prompt tokens, or throws <see cref="OverloadedException"/> saying when they would fit.</summary>
    public void ChargePrompt(int tokens)
    {
        var limit = _limiters.Limits.PromptTokensPerMinute;
        if (limit == 0)
        {
            // Counted all the same, so that a limit a reload brings in knows the last minute.
            Prompt.Charge(tokens);
            return;
        }

        if (!Prompt.TryCharge(tokens, limit, out var used, out var retryAfter))
        {
            throw new OverloadedException(tokens > limit
                ? $"a request of {tokens} prompt tokens is over caller '{caller}''s whole quota of {limit} prompt tokens per minute; it can never be admitted"
                : $"caller '{caller}' is over its quota of {limit} prompt tokens per minute ({used} used in the last minute; this request has {tokens}); enough of the minute frees in {Seconds(retryAfter)} s",
                retryAfter);
        }
    }

    /// <summary>Throws <see cref="OverloadedException"/> while the caller's generated tokens of the last minute are at or over its quota.</summary>
    public void EnsureGeneratedRoom()
    {
        var limit = _limiters.Limits.GeneratedTokensPerMinute;
        if (limit != 0 && !Generated.HasRoom(limit, out var used, out var retryAfter))
        {
            throw new OverloadedException(
                $"caller '{caller}' is over its quota of {limit} generated tokens per minute ({used} generated in the last minute); enough of the minute frees in {Seconds(retryAfter)} s",
                retryAfter);
        }
    }

    /// <summary>Charges tokens as they are generated.</summary>
    public void ChargeGenerated(int tokens) => Generated.Charge(tokens);

    private static string Seconds(TimeSpan delay) => Math.Ceiling(delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ConcurrencyLimiter? Limiter(int permits) => permits == 0 ? null : new ConcurrencyLimiter(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private sealed record Limiters(QuotaLimits Limits, ConcurrencyLimiter? Requests, ConcurrencyLimiter? Streams);
}
