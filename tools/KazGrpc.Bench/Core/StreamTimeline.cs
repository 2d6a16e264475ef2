using System.Diagnostics;

namespace KazGrpc.Bench.Core;

/// <summary>
/// One token stream as its caller saw it (bench generate): when the request was sent and when each
/// chunk carrying tokens arrived, as <see cref="Stopwatch"/> timestamps. Written by one caller; read
/// once the load has stopped.
/// </summary>
internal sealed class StreamTimeline(long submitted)
{
    private readonly List<(long At, int Tokens)> _chunks = [];
    private readonly TaskCompletionSource<long> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When the request was sent.</summary>
    public long Submitted => submitted;

    /// <summary>The chunks that carried tokens, in order of arrival.</summary>
    public IReadOnlyList<(long At, int Tokens)> Chunks => _chunks;

    /// <summary>Completes with the first chunk's timestamp when it arrives: another thread may wait for it.</summary>
    public Task<long> FirstChunk => _first.Task;

    /// <summary>A chunk of <paramref name="tokens"/> arrived now; chunks without tokens are not recorded.</summary>
    public void Chunk(int tokens) => Chunk(Stopwatch.GetTimestamp(), tokens);

    /// <summary>A chunk of <paramref name="tokens"/> arrived at <paramref name="at"/> (a timestamp taken by another process on this machine's clock).</summary>
    public void Chunk(long at, int tokens)
    {
        if (tokens > 0)
        {
            _chunks.Add((at, tokens));
            _first.TrySetResult(at);
        }
    }

    /// <summary>The gaps between consecutive chunks: the stream's inter-token latencies.</summary>
    public IEnumerable<(long Start, long End)> Gaps()
    {
        for (var i = 1; i < _chunks.Count; i++)
        {
            yield return (_chunks[i - 1].At, _chunks[i].At);
        }
    }
}
