using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Client;

/// <summary>
/// Every open <see cref="DetokenizeSequence"/> over one long-lived DetokenizeStream, each under a
/// sequence id of the stream's own. The stream opens when a sequence first has ids to send.
/// </summary>
/// <remarks>
/// <para>Writing. Pushing appends ids to the sequence and queues the sequence (once, however often it
/// is pushed) for the one writer task, which sends everything the sequence has that the stream has
/// not seen in one message: a decode loop never waits for the tokenizer, and a writer that falls
/// behind sends fewer, larger messages. One reader task per stream dispatches the answers.</para>
/// <para>Reopening. The stream is stateful (tokenizer-svc holds each sequence's incomplete bytes),
/// so a stream that breaks (UNAVAILABLE, reset, ended, or no answer within the answer timeout) is
/// not retried message by message: a new stream is opened under the client's resilience policy
/// (each attempt must answer a ping within the attempt timeout), every open sequence is bound
/// to it under a new id and sends all its ids again, and the characters it had delivered are
/// skipped in the answers (decoding is deterministic). When the policy gives up, or streams keep
/// breaking before answering anything, every open sequence fails with the policy's UNAVAILABLE. A
/// status tokenizer-svc chose for the whole stream fails every open sequence with that status.</para>
/// </remarks>
internal sealed class DetokenizeStreamMultiplexer : IAsyncDisposable
{
    /// <summary>Most ids in one message, so that a replay of a long sequence stays well within message size limits.</summary>
    internal const int MaxIdsPerMessage = 16_384;

    private readonly TokenizerService.TokenizerServiceClient _client;
    private readonly Func<Func<CancellationToken, Task<DetokenizeStreamSession>>, CancellationToken, Task<DetokenizeStreamSession>> _resilience;
    private readonly Func<string, Exception, RpcException> _unreachable;
    private readonly int _maxFruitlessBreaks;
    private readonly TimeProvider _time;
    private readonly TimeSpan _answerTimeout;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<long, DetokenizeSequence> _open = new();
    private readonly Channel<DetokenizeSequence> _queue = Channel.CreateUnbounded<DetokenizeSequence>(new UnboundedChannelOptions { SingleReader = true });
    private DetokenizeStreamSession? _current;
    private Task? _writer;
    private RpcException? _lastBreak;
    private long _nextSequence;
    private long _nextWireId;
    private long _streamsOpened;
    private int _fruitlessBreaks;
    private bool _disposed;

    /// <summary>Creates the multiplexer; nothing is opened until a sequence has ids to send.</summary>
    /// <param name="client">Client over the channel the stream uses; the caller disposes the channel.</param>
    /// <param name="resilience">Runs attempts to open a stream under the caller's policy (timeout, retries,
    /// circuit breaker) and throws <see cref="RpcException"/> when it gives up.</param>
    /// <param name="unreachable">Makes the UNAVAILABLE that says the tokenizer cannot be reached, and why.</param>
    /// <param name="maxFruitlessBreaks">Streams in a row that may break before answering a sequence before the open sequences fail.</param>
    /// <param name="time">The clock of the answer timeout.</param>
    /// <param name="answerTimeout">How long requests may go unanswered before the stream counts as broken.</param>
    /// <param name="logger">Says when a stream breaks and when sequences fail for it.</param>
    public DetokenizeStreamMultiplexer(
        TokenizerService.TokenizerServiceClient client,
        Func<Func<CancellationToken, Task<DetokenizeStreamSession>>, CancellationToken, Task<DetokenizeStreamSession>> resilience,
        Func<string, Exception, RpcException> unreachable,
        int maxFruitlessBreaks,
        TimeProvider time,
        TimeSpan answerTimeout,
        ILogger logger)
    {
        _client = client;
        _resilience = resilience;
        _unreachable = unreachable;
        _maxFruitlessBreaks = maxFruitlessBreaks;
        _time = time;
        _answerTimeout = answerTimeout;
        _logger = logger;
    }

    /// <summary>Sequences opened and not yet ended or released.</summary>
    public int OpenSequences => _open.Count;

    /// <summary>Streams opened so far (each reopen after a break counts).</summary>
    public long StreamsOpened => Interlocked.Read(ref _streamsOpened);

    /// <summary>Opens a sequence; see <see cref="TokenizerClient.OpenDetokenizeSequence"/>.</summary>
    public DetokenizeSequence Open(string tokenizer, bool skipSpecialTokens, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizer);
        var sequence = new DetokenizeSequence(
            this, Interlocked.Increment(ref _nextSequence), tokenizer, skipSpecialTokens, TraceContext.Traceparent(System.Diagnostics.Activity.Current));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _open[sequence.Id] = sequence;
            if (_writer is null)
            {
                // The writer opens every stream and outlives the sequence that starts it: it carries no trace of it.
                using (TraceContext.Suppress())
                {
                    _writer = Task.Run(() => WriteLoopAsync(_lifetime.Token), CancellationToken.None);
                }
            }
        }

        sequence.ReleaseOnCancel(cancellationToken);
        return sequence;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        DetokenizeStreamSession? session;
        Task? writer;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            session = _current;
            _current = null;
            writer = _writer;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        var closed = new RpcException(new Status(StatusCode.Unavailable, "the tokenizer client was disposed"));
        session?.TryBreak(closed);
        FailAll(closed);
        if (writer is not null)
        {
            await writer.ConfigureAwait(false);
        }

        if (session is not null)
        {
            await session.Reader.ConfigureAwait(false);
        }

        _lifetime.Dispose();
    }

    internal void Enqueue(DetokenizeSequence sequence) => _queue.Writer.TryWrite(sequence);

    internal void Forget(DetokenizeSequence sequence) => _open.TryRemove(sequence.Id, out _);

    internal string NextSequenceId() => Interlocked.Increment(ref _nextWireId).ToString(CultureInfo.InvariantCulture);

    /// <summary>Hands an answer to the sequence it belongs to; answers to sequences forgotten meanwhile are dropped.</summary>
    internal static void Dispatch(DetokenizeStreamSession session, DetokenizeStreamResponse response)
    {
        if (session.Sequences.TryGetValue(response.SequenceId, out var sequence))
        {
            sequence.OnAnswer(session, response);
        }
    }

    /// <summary>
    /// Breaks <paramref name="session"/> (once; later calls do nothing). When it was the current
    /// stream, its sequences are queued for a replay on the next one, or all fail when
    /// <paramref name="error"/> is a status that a replay would meet again.
    /// </summary>
    internal void Break(DetokenizeStreamSession session, RpcException error)
    {
        if (!session.TryBreak(error))
        {
            return;
        }

        bool adopted;
        lock (_gate)
        {
            adopted = session.Adopted && !_disposed;
            if (_current == session)
            {
                _current = null;
            }
        }

        if (!adopted)
        {
            // An attempt that failed: the resilience policy hears of it from the attempt.
            return;
        }

        if (!DetokenizeStreamSession.IsTransportFailure(error))
        {
            DetokenizeLog.StreamFailed(_logger, error.StatusCode, error.Status.Detail, _open.Count);
            FailAll(error);
            return;
        }

        Volatile.Write(ref _lastBreak, error);
        if (session.SequenceAnswers == 0)
        {
            Interlocked.Increment(ref _fruitlessBreaks);
        }
        else
        {
            Volatile.Write(ref _fruitlessBreaks, 0);
        }

        var replays = 0;
        foreach (var sequence in _open.Values)
        {
            replays += sequence.Unbind(session) ? 1 : 0;
        }

        DetokenizeLog.StreamBroke(_logger, error.Status.Detail, replays);
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var queue = _queue.Reader;
        DetokenizeSequence? next = null;
        try
        {
            while (next is not null || await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (next is null && !queue.TryRead(out next))
                {
                    continue;
                }

                var session = Volatile.Read(ref _current);
                if (session is null || session.Broken is not null)
                {
                    session = await OpenAsync(cancellationToken).ConfigureAwait(false);
                }

                if (session is null)
                {
                    // No stream now: what ended needs none; a live sequence brings another attempt.
                    if (next.Ended)
                    {
                        next = null;
                    }

                    continue;
                }

                do
                {
                    var sequence = next;
                    next = null;
                    var request = sequence.TakeRequest(session, MaxIdsPerMessage, out var requeue);
                    if (request is null)
                    {
                        if (requeue)
                        {
                            // The stream broke under it: carry it to the next one.
                            next = sequence;
                            break;
                        }

                        continue;
                    }

                    if (requeue)
                    {
                        Enqueue(sequence);
                    }

                    if (!await session.SendAsync(request).ConfigureAwait(false))
                    {
                        // The break queued every sequence that needs a replay, this one included.
                        break;
                    }
                }
                while (queue.TryRead(out next));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>Opens a stream under the resilience policy and makes it current; null when there is
    /// no open sequence to open it for, or it could not be opened (the open sequences then failed).</summary>
    private async Task<DetokenizeStreamSession?> OpenAsync(CancellationToken cancellationToken)
    {
        var tokenizer = _open.Values.FirstOrDefault(s => !s.Ended)?.Tokenizer;
        if (tokenizer is null)
        {
            return null;
        }

        var fruitless = Volatile.Read(ref _fruitlessBreaks);
        if (fruitless > _maxFruitlessBreaks)
        {
            Volatile.Write(ref _fruitlessBreaks, 0);
            var last = Volatile.Read(ref _lastBreak)!;
            GiveUp(_unreachable($"the DetokenizeStream broke {fruitless} times in a row before it answered: {last.Status.Detail}", last));
            return null;
        }

        DetokenizeStreamSession session;
        try
        {
            session = await _resilience(token => AttemptAsync(tokenizer, token), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            GiveUp(ex as RpcException ?? _unreachable(ex.Message, ex));
            return null;
        }

        lock (_gate)
        {
            if (session.Broken is null && !_disposed)
            {
                session.Adopted = true;
                _current = session;
            }
        }

        if (!session.Adopted)
        {
            // Broke between its ping and now.
            Interlocked.Increment(ref _fruitlessBreaks);
            return null;
        }

        Interlocked.Increment(ref _streamsOpened);
        DetokenizeLog.StreamOpened(_logger, _open.Count);
        return session;
    }

    /// <summary>One attempt: a new call whose ping is answered, or an exception (and the call closed).</summary>
    private async Task<DetokenizeStreamSession> AttemptAsync(string tokenizer, CancellationToken cancellationToken)
    {
        var session = new DetokenizeStreamSession(
            _client.DetokenizeStream(cancellationToken: _lifetime.Token), "ping-" + NextSequenceId(), this, _time, _answerTimeout);
        try
        {
            // Finishing a sequence of no ids costs tokenizer-svc a lookup, and any answer (an error too) proves the stream.
            await session.SendAsync(new DetokenizeStreamRequest { Tokenizer = tokenizer, SequenceId = session.PingId, Finish = true })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (await session.Proven.WaitAsync(cancellationToken).ConfigureAwait(false) is { } error)
            {
                throw error;
            }

            return session;
        }
        catch
        {
            session.TryBreak(new RpcException(new Status(StatusCode.Unavailable, "the attempt to open the DetokenizeStream was abandoned")));
            throw;
        }
    }

    private void GiveUp(RpcException error)
    {
        DetokenizeLog.StreamFailed(_logger, error.StatusCode, error.Status.Detail, _open.Count);
        FailAll(error);
    }

    private void FailAll(RpcException error)
    {
        foreach (var sequence in _open.Values)
        {
            sequence.Fail(error);
        }
    }
}
