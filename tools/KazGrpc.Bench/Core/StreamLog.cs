using System.Diagnostics;

namespace KazGrpc.Bench.Core;

/// <summary>The token streams one caller of a load opened (bench generate); not thread-safe, as a caller makes one call at a time.</summary>
internal sealed class StreamLog
{
    private readonly List<StreamTimeline> _streams = [];

    public IReadOnlyList<StreamTimeline> Streams => _streams;

    /// <summary>A stream sent now.</summary>
    public StreamTimeline Begin() => Begin(Stopwatch.GetTimestamp());

    /// <summary>A stream sent at <paramref name="submitted"/>.</summary>
    public StreamTimeline Begin(long submitted)
    {
        var stream = new StreamTimeline(submitted);
        _streams.Add(stream);
        return stream;
    }
}
