using System.Threading.RateLimiting;
using KazGrpc.Core;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// One caller's use of its quotas, kept across configuration reloads. Concurrency is counted by
/// System.Threading.RateLimiting's <see cref="ConcurrencyLimiter"/> (no queue: over the limit is
/// refused at once), stream messages by its <see cref="TokenBucketRateLimiter"/>; token rates by
/// <see cref="TokenWindow"/>s, because generated tokens are charged after the fact, which permits
/// cannot express, and because the refusal must say when enough of the minute frees. When a reload
/// changes a limit, a new limiter takes over; calls in progress release to the old concurrency
/// limiter, so for their lifetime the two may together admit more.
/// </summary>
internal sealed class QuotaAccount(string caller, TimeProvider time)
{
    /// <summary>The hint a concurrency refusal carries: a slot frees when one of the caller's calls ends, which no one can tell.</summary>
    public static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MessageWindow = TimeSpan.FromSeconds(1);

    private volatile Limiters _limiters = new(default, null, null, null);

    public TokenWindow Prompt { get; } = new(time);

    public TokenWindow Generated { get; } = new(time);

    public QuotaLimits Limits => _limiters.Limits;

    /// <summary>Takes <paramref name="limits"/> on when they differ from the ones in force.</summary>
    public void Apply(QuotaLimits limits)
    {
        while (true)
        {
            var current = _limiters;
            if (limits == current.Limits)
            {
                return;
            }

            var old = current.Limits;
            var next = new Limiters(
                limits,
                limits.ConcurrentRequests == old.ConcurrentRequests ? current.Requests : Limiter(limits.ConcurrentRequests),
                limits.ConcurrentStreams == old.ConcurrentStreams ? current.Streams : Limiter(limits.ConcurrentStreams),
                limits.StreamMessagesPerSecond == old.StreamMessagesPerSecond ? current.Messages : MessageLimiter(limits.StreamMessagesPerSecond));
            var replaced = ReferenceEquals(Interlocked.CompareExchange(ref _limiters, next, current), current);

            // A rate limiter's timer runs until it is disposed: the one replaced, or the one another call's Apply made unneeded.
            if (!ReferenceEquals(current.Messages, next.Messages))
            {
                (replaced ? current.Messages : next.Messages)?.Dispose();
            }

            if (replaced)
            {
                return;
            }
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

    /// <summary>Takes one request message of a stream from the caller's rate: null when it may be
    /// processed, else the refusal to answer it with. A null check while the rate is unlimited.</summary>
    public OverloadedException? TakeStreamMessage() => _limiters.Messages is null ? null : TakeRated();

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

    private OverloadedException? TakeRated()
    {
        while (true)
        {
            var limiters = _limiters;
            if (limiters.Messages is not { } limiter)
            {
                return null;
            }

            RateLimitLease lease;
            try
            {
                lease = limiter.AttemptAcquire();
            }
            catch (ObjectDisposedException)
            {
                // A reload replaced the limiter after it was read; its successor is in place.
                continue;
            }

            using (lease)
            {
                if (lease.IsAcquired)
                {
                    return null;
                }

                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : MessageWindow;
                return new OverloadedException(
                    $"caller '{caller}' is over its quota of {limiters.Limits.StreamMessagesPerSecond} stream messages per second; this message was not processed: send it again in {Seconds(retryAfter)} s",
                    retryAfter);
            }
        }
    }

    private static string Seconds(TimeSpan delay) => Math.Ceiling(delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ConcurrencyLimiter? Limiter(int permits) => permits == 0 ? null : new ConcurrencyLimiter(new ConcurrencyLimiterOptions
    {
        PermitLimit = permits,
        QueueLimit = 0,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    // A second's worth of messages may come at once; the bucket refills all of it each second. The
    // limiter keeps its own clock (a Timer), not the injected TimeProvider.
    private static TokenBucketRateLimiter? MessageLimiter(int perSecond) => perSecond == 0 ? null : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = MessageWindow,
        AutoReplenishment = true,
        QueueLimit = 0,
    });

    private sealed record Limiters(QuotaLimits Limits, ConcurrencyLimiter? Requests, ConcurrencyLimiter? Streams, TokenBucketRateLimiter? Messages);
}
