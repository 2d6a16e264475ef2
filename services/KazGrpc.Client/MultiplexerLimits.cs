namespace KazGrpc.Client;

/// <summary>Bounds of one <see cref="TokenizeStreamMultiplexer"/>.</summary>
/// <param name="MaxInFlight">Requests that may be queued or awaiting answers before senders wait.</param>
/// <param name="MaxTextsPerMessage">Texts one merged message may carry; 1 turns merging off. A request
/// with more texts than this goes alone, as it is.</param>
/// <param name="MaxBytesPerMessage">Bytes of text (UTF-16 length × 3, an upper bound of UTF-8) one merged
/// message may carry.</param>
public sealed record MultiplexerLimits(int MaxInFlight = 1024, int MaxTextsPerMessage = 256, long MaxBytesPerMessage = 1 << 20)
{
    /// <summary>Throws when a bound is not positive.</summary>
    public void Validate()
    {
        if (MaxInFlight < 1 || MaxTextsPerMessage < 1 || MaxBytesPerMessage < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInFlight),
                $"MaxInFlight ({MaxInFlight}), MaxTextsPerMessage ({MaxTextsPerMessage}) and MaxBytesPerMessage ({MaxBytesPerMessage}) must be at least 1");
        }
    }
}
