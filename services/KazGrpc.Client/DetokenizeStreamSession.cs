using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// One DetokenizeStream call of a <see cref="DetokenizeStreamMultiplexer"/>: its reader task, the
/// sequences bound to it (by the sequence ids they have on this stream), and a watchdog that
/// breaks it when requests go unanswered for longer than the answer timeout (a frozen
/// tokenizer-svc keeps the connection open and says nothing). Breaking is final: the owner opens
/// another session and replays.
/// </summary>
internal sealed class DetokenizeStreamSession
{
    private readonly AsyncDuplexStreamingCall<DetokenizeStreamRequest, DetokenizeStreamResponse> _call;
    private readonly DetokenizeStreamMultiplexer _owner;
    private readonly TimeProvider _time;
    private readonly TimeSpan _answerTimeout;
    private readonly TaskCompletionSource<RpcException?> _proven = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _watchdog;
    private RpcException? _broken;
    private int _outstanding;
    private long _lastProgress;
    private int _sequenceAnswers;

    public DetokenizeStreamSession(
        AsyncDuplexStreamingCall<DetokenizeStreamRequest, DetokenizeStreamResponse> call, string pingId, DetokenizeStreamMultiplexer owner, TimeProvider time, TimeSpan answerTimeout)
    {
        _call = call;
        _owner = owner;
        _time = time;
        _answerTimeout = answerTimeout;
        PingId = pingId;
        _lastProgress = time.GetTimestamp();
        var period = TimeSpan.FromTicks(Math.Max(answerTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10));
        _watchdog = time.CreateTimer(static state => ((DetokenizeStreamSession)state!).Watch(), this, period, period);
        Reader = Task.Run(ReadAsync);
    }

    /// <summary>The sequence id of the request that proves the stream answers (see <see cref="Proven"/>).</summary>
    public string PingId { get; }

    /// <summary>Null once the ping is answered; the error if the session broke first.</summary>
    public Task<RpcException?> Proven => _proven.Task;

    /// <summary>The sequences bound to this stream, by their sequence id on it.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, DetokenizeSequence> Sequences { get; } = new(StringComparer.Ordinal);

    /// <summary>Why the session broke; null while it serves.</summary>
    public RpcException? Broken => Volatile.Read(ref _broken);

    /// <summary>True once the owner made this its current session (read and written under the owner's lock).</summary>
    public bool Adopted { get; set; }

    /// <summary>Answers to sequences (the ping aside) received so far.</summary>
    public int SequenceAnswers => Volatile.Read(ref _sequenceAnswers);

    public Task Reader { get; }

    /// <summary>Writes <paramref name="request"/>; false when the stream broke (it is then broken, and the owner told).
    /// One write at a time: the owner's writer loop is the only caller once the session is adopted.</summary>
    public async Task<bool> SendAsync(DetokenizeStreamRequest request)
    {
        if (Volatile.Read(ref _outstanding) == 0)
        {
            Volatile.Write(ref _lastProgress, _time.GetTimestamp());
        }

        Interlocked.Increment(ref _outstanding);
        try
        {
            await _call.RequestStream.WriteAsync(request).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsStreamFailure(ex))
        {
            _owner.Break(this, WriteError(ex));
            return false;
        }
    }

    /// <summary>Marks the session broken with <paramref name="error"/> and cancels the call; false when it already was.</summary>
    public bool TryBreak(RpcException error)
    {
        if (Interlocked.CompareExchange(ref _broken, error, null) is not null)
        {
            return false;
        }

        _proven.TrySetResult(error);
        _watchdog.Dispose();
        _call.Dispose();
        return true;
    }

    /// <summary>Whether <paramref name="error"/> says the transport broke (worth a reopen and replay), not that tokenizer-svc refused the stream.</summary>
    public static bool IsTransportFailure(RpcException error) => error.StatusCode is StatusCode.Unavailable;

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                var response = _call.ResponseStream.Current;
                Volatile.Write(ref _lastProgress, _time.GetTimestamp());
                Interlocked.Decrement(ref _outstanding);
                if (response.SequenceId == PingId)
                {
                    _proven.TrySetResult(null);
                    continue;
                }

                Interlocked.Increment(ref _sequenceAnswers);
                DetokenizeStreamMultiplexer.Dispatch(this, response);
            }

            _owner.Break(this, new RpcException(new Status(StatusCode.Unavailable, "tokenizer-svc ended the DetokenizeStream")));
        }
        catch (Exception ex) when (IsStreamFailure(ex))
        {
            _owner.Break(this, StreamError(ex));
        }
    }

    private void Watch()
    {
        if (Broken is null && Volatile.Read(ref _outstanding) > 0 && _time.GetElapsedTime(Volatile.Read(ref _lastProgress)) > _answerTimeout)
        {
            _owner.Break(this, new RpcException(new Status(
                StatusCode.Unavailable, $"no answer on the DetokenizeStream within {_answerTimeout.TotalMilliseconds:F0} ms")));
        }
    }

    /// <summary>A failed write: the status the call ended with when it has one (the reader may not have seen it yet).</summary>
    private RpcException WriteError(Exception ex)
    {
        try
        {
            var status = _call.GetStatus();
            if (status.StatusCode is not StatusCode.OK)
            {
                return StreamError(new RpcException(status));
            }
        }
        catch (InvalidOperationException)
        {
            // The call has no status yet.
        }

        return StreamError(ex);
    }

    private static bool IsStreamFailure(Exception ex) =>
        ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException;

    /// <summary>
    /// What a broken stream means: a status tokenizer-svc chose for the whole stream (e.g.
    /// RESOURCE_EXHAUSTED, PERMISSION_DENIED) as it is, since replaying would meet it again; anything
    /// else (connection refused or reset, cancelled, the server's UNAVAILABLE while it loads) as
    /// UNAVAILABLE, which reopens the stream.
    /// </summary>
    private static RpcException StreamError(Exception ex) => ex switch
    {
        RpcException { StatusCode: not (StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded) } rpc => rpc,
        _ => new RpcException(new Status(StatusCode.Unavailable, $"the DetokenizeStream broke: {ex.Message}", ex)),
    };
}
