namespace KazGrpc.Hosting.Security;

/// <summary>
/// Tokens charged to one caller over the last minute, kept in one-second slots: a charge counts for
/// 59 to 60 seconds. Unlike a rate limiter's permits, a charge may take the count over its limit
/// (generated tokens are known only once generated), and the window can say exactly when enough of
/// it will have passed for a given number of tokens to fit.
/// </summary>
internal sealed class TokenWindow(TimeProvider time)
{
    /// <summary>How long a charge counts.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private const int Slots = 60;
    private readonly long[] _second = new long[Slots];
    private readonly long[] _tokens = new long[Slots];
    private readonly long _origin = time.GetTimestamp();
    private readonly Lock _lock = new();

    /// <summary>Tokens charged in the last minute.</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                return Sum(Now());
            }
        }
    }

    /// <summary>Charges <paramref name="tokens"/> when the window then holds at most <paramref name="limit"/>;
    /// otherwise charges nothing and says when enough of the window will have passed.</summary>
    public bool TryCharge(long tokens, long limit, out long used, out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = Now();
            used = Sum(now);
            if (used + tokens <= limit)
            {
                Add(now, tokens);
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = tokens > limit ? Length : Until(now, limit - tokens);
            return false;
        }
    }

    /// <summary>True while the window holds fewer than <paramref name="limit"/> tokens; otherwise says when it will.</summary>
    public bool HasRoom(long limit, out long used, out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var now = Now();
            used = Sum(now);
            retryAfter = used < limit ? TimeSpan.Zero : Until(now, limit - 1);
            return used < limit;
        }
    }

    /// <summary>Charges <paramref name="tokens"/>, whatever the count then is.</summary>
    public void Charge(long tokens)
    {
        if (tokens <= 0)
        {
            return;
        }

        lock (_lock)
        {
            Add(Now(), tokens);
        }
    }

    private TimeSpan Now() => time.GetElapsedTime(_origin);

    private static long Second(TimeSpan now) => (long)now.TotalSeconds;

    private static bool Live(long second, long current) => second > current - Slots;

    private long Sum(TimeSpan now)
    {
        var current = Second(now);
        long sum = 0;
        for (var i = 0; i < Slots; i++)
        {
            if (_tokens[i] > 0 && Live(_second[i], current))
            {
                sum += _tokens[i];
            }
        }

        return sum;
    }

    private void Add(TimeSpan now, long tokens)
    {
        var second = Second(now);
        var slot = (int)(second % Slots);
        if (_second[slot] != second)
        {
            _second[slot] = second;
            _tokens[slot] = 0;
        }

        _tokens[slot] += tokens;
    }

    /// <summary>How long until the window holds at most <paramref name="target"/> tokens: its oldest slots
    /// leave it one after another, each a minute after its second began.</summary>
    private TimeSpan Until(TimeSpan now, long target)
    {
        var current = Second(now);
        var used = Sum(now);
        for (var second = current - Slots + 1; second <= current && used > target; second++)
        {
            var slot = (int)(((second % Slots) + Slots) % Slots);
            if (_second[slot] == second)
            {
                used -= _tokens[slot];
                if (used <= target)
                {
                    return TimeSpan.FromSeconds(second + Slots) - now;
                }
            }
        }

        return Length;
    }
}
