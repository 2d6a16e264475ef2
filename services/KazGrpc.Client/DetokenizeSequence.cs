using System.Threading.Channels;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// One generated sequence being detokenized incrementally over the client's shared
/// DetokenizeStream (<see cref="TokenizerClient.OpenDetokenizeSequence"/>). The decode loop
/// <see cref="Push(ReadOnlySpan{int})"/>es new ids as it samples them, without waiting; the text
/// comes back in order on <see cref="Text"/>, in pieces of whole characters; <see cref="Complete"/>
/// flushes what tokenizer-svc held back and ends <see cref="Text"/>.
/// </summary>
/// <remarks>
/// <para>Errors end <see cref="Text"/> with an <see cref="RpcException"/>: the status tokenizer-svc
/// answered for this sequence (NOT_FOUND for an unknown tokenizer, INVALID_ARGUMENT for an id
/// outside the vocabulary), or UNAVAILABLE when the stream broke and could not be reopened within
/// the client's resilience limits. A stream that breaks and reopens is invisible here: the ids sent
/// so far are replayed, and text already delivered is not delivered again.</para>
/// <para>The ids are kept until the sequence ends (they are what a replay sends); delivered text is
/// not. Methods may be called from any thread. The caller disposes the sequence; disposing (or
/// cancelling the token given to <see cref="TokenizerClient.OpenDetokenizeSequence"/>) before it
/// ends releases it on both sides and ends <see cref="Text"/> with <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class DetokenizeSequence : IDisposable
{
    private readonly Lock _lock = new();
    private readonly DetokenizeStreamMultiplexer _owner;
    private readonly Channel<string> _text = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = true });
    private CancellationTokenRegistration _cancellation;
    private int[] _ids = [];
    private int _count;

    // The binding to a stream: the session, this sequence's id on it, the ids sent on it and the
    // characters it answered. A new binding starts over from the first id.
    private DetokenizeStreamSession? _session;
    private string? _wireId;
    private int _sent;
    private bool _finishSent;
    private long _received;

    // Characters handed to the reader, over every binding.
    private long _delivered;

    private bool _queued;
    private bool _completeCalled;
    private bool _finishRequested;
    private bool _ended;
    private bool _released;

    internal DetokenizeSequence(DetokenizeStreamMultiplexer owner, long id, string tokenizer, bool skipSpecialTokens, string traceparent)
    {
        _owner = owner;
        Id = id;
        Tokenizer = tokenizer;
        SkipSpecialTokens = skipSpecialTokens;
        Traceparent = traceparent;
    }

    /// <summary>The tokenizer the ids belong to.</summary>
    public string Tokenizer { get; }

    /// <summary>Whether control tokens are left out of the text.</summary>
    public bool SkipSpecialTokens { get; }

    /// <summary>The trace of the span that opened the sequence (W3C <c>traceparent</c>; empty for none),
    /// sent with its first request on each stream so that tokenizer-svc's decoding joins that trace.</summary>
    internal string Traceparent { get; }

    /// <summary>
    /// The text, in order, in non-empty pieces of whole characters (never half a surrogate pair);
    /// their concatenation equals a one-shot Detokenize of every id pushed. Completes after
    /// <see cref="Complete"/> once the held-back tail has come; faults with the error that ended the
    /// sequence. Unread pieces stay buffered here.
    /// </summary>
    public ChannelReader<string> Text => _text.Reader;

    internal long Id { get; }

    internal bool Ended
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>Appends one id; see <see cref="Push(ReadOnlySpan{int})"/>.</summary>
    public void Push(int id) => Push([id]);

    /// <summary>
    /// Appends <paramref name="ids"/> to the sequence and returns at once: they are written by the
    /// stream's writer, together with whatever else was pushed meanwhile. Ignored once the sequence
    /// failed or was released (<see cref="Text"/> says why).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> was called.</exception>
    public void Push(ReadOnlySpan<int> ids)
    {
        foreach (var id in ids)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(ids));
        }

        lock (_lock)
        {
            if (_completeCalled)
            {
                throw new InvalidOperationException("the sequence was completed; no ids may follow");
            }

            if (_ended || ids.IsEmpty)
            {
                return;
            }

            if (_ids.Length - _count < ids.Length)
            {
                Array.Resize(ref _ids, Math.Max(_count + ids.Length, Math.Max(16, _ids.Length * 2)));
            }

            ids.CopyTo(_ids.AsSpan(_count));
            _count += ids.Length;
            if (!MarkQueued())
            {
                return;
            }
        }

        _owner.Enqueue(this);
    }

    /// <summary>
    /// Ends the sequence: tokenizer-svc flushes the bytes it held back (an incomplete character
    /// becomes U+FFFD), that tail arrives on <see cref="Text"/>, and <see cref="Text"/> completes.
    /// Returns at once; calling it again does nothing.
    /// </summary>
    public void Complete()
    {
        bool endNow;
        lock (_lock)
        {
            if (_completeCalled || _ended)
            {
                _completeCalled = true;
                return;
            }

            _completeCalled = true;
            _finishRequested = true;
            endNow = _count == 0;
            if (endNow)
            {
                // Nothing was pushed, so tokenizer-svc knows nothing of it.
                End(null);
            }
            else if (!MarkQueued())
            {
                return;
            }
        }

        if (endNow)
        {
            _owner.Forget(this);
        }
        else
        {
            _owner.Enqueue(this);
        }
    }

    /// <summary>Releases the sequence: when it has not ended, tokenizer-svc is told to forget it and
    /// <see cref="Text"/> ends with <see cref="OperationCanceledException"/>.</summary>
    public void Dispose()
    {
        Release(new OperationCanceledException("the detokenize sequence was disposed before it ended"));
        _cancellation.Dispose();
    }

    internal void ReleaseOnCancel(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((DetokenizeSequence)state!).Release(new OperationCanceledException(token)), this);
        }
    }

    /// <summary>
    /// The next request to write on <paramref name="session"/>, or null when there is none.
    /// <paramref name="requeue"/> says the sequence must be queued again: more ids remain than one
    /// message carries, or the session broke (the writer carries it to the next one).
    /// </summary>
    internal DetokenizeStreamRequest? TakeRequest(DetokenizeStreamSession session, int maxIds, out bool requeue)
    {
        requeue = false;
        lock (_lock)
        {
            if (_released)
            {
                _queued = false;

                // Released while tokenizer-svc held it: say finish, so that it forgets the sequence.
                if (_session != session || session.Broken is not null || _finishSent || _wireId is null)
                {
                    return null;
                }

                _finishSent = true;
                return new DetokenizeStreamRequest { SequenceId = _wireId, Finish = true };
            }

            if (_ended)
            {
                _queued = false;
                return null;
            }

            if (session.Broken is not null)
            {
                requeue = true;
                return null;
            }

            var bound = _session == session;
            var pending = bound ? _count - _sent : _count;
            var finishPending = _finishRequested && !(bound && _finishSent);
            if (pending == 0 && !finishPending)
            {
                _queued = false;
                return null;
            }

            var first = !bound;
            if (first)
            {
                // A new stream knows nothing of the sequence: start over from the first id.
                _session = session;
                _wireId = _owner.NextSequenceId();
                _sent = 0;
                _received = 0;
                _finishSent = false;
                session.Sequences[_wireId] = this;
            }

            var take = Math.Min(_count - _sent, maxIds);
            var request = new DetokenizeStreamRequest
            {
                // Only the first request names the tokenizer: requests that were on their way when
                // tokenizer-svc failed the sequence must fail too, not start it afresh.
                Tokenizer = first ? Tokenizer : "",
                SequenceId = _wireId,
                SkipSpecialTokens = SkipSpecialTokens,
                Traceparent = first ? Traceparent : "",
            };
            for (var i = _sent; i < _sent + take; i++)
            {
                request.Ids.Add((uint)_ids[i]);
            }

            _sent += take;
            if (_finishRequested && _sent == _count)
            {
                request.Finish = true;
                _finishSent = true;
            }

            requeue = _sent < _count || (_finishRequested && !_finishSent);
            _queued = requeue;
            return request;
        }
    }

    /// <summary>Takes an answer of <paramref name="session"/> to this sequence.</summary>
    internal void OnAnswer(DetokenizeStreamSession session, DetokenizeStreamResponse response)
    {
        bool ended;
        lock (_lock)
        {
            if (_ended || _session != session || response.SequenceId != _wireId)
            {
                return;
            }

            if (response.Error is { } error)
            {
                // RequestError is google.rpc.Status field for field: the details travel on as rich status.
                End(new Google.Rpc.Status { Code = error.Code, Message = error.Message, Details = { error.Details } }.ToRpcException());
            }
            else
            {
                Deliver(response.Text);
                if (response.Finished)
                {
                    End(null);
                }
            }

            ended = _ended;
        }

        if (ended)
        {
            _owner.Forget(this);
        }
    }

    /// <summary>
    /// Forgets the binding to <paramref name="session"/>, which broke; true when the sequence needs a
    /// replay (it has ids), and it is then queued unless it already was.
    /// </summary>
    internal bool Unbind(DetokenizeStreamSession session)
    {
        bool enqueue;
        lock (_lock)
        {
            if (_ended)
            {
                return false;
            }

            if (_session == session)
            {
                _session = null;
                _wireId = null;
                _sent = 0;
                _received = 0;
                _finishSent = false;
            }

            if (_session is not null || _count == 0)
            {
                // Bound to the next stream already, or nothing that tokenizer-svc had to forget.
                return false;
            }

            enqueue = MarkQueued();
        }

        if (enqueue)
        {
            _owner.Enqueue(this);
        }

        return true;
    }

    /// <summary>Ends the sequence with <paramref name="error"/> unless it has ended already.</summary>
    internal void Fail(RpcException error)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            End(error);
        }

        _owner.Forget(this);
    }

    private void Release(OperationCanceledException reason)
    {
        bool tellServer;
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            tellServer = !_ended && _session is not null && !_finishSent;
            if (!_ended)
            {
                End(reason);
            }

            tellServer = tellServer && MarkQueued();
        }

        _owner.Forget(this);
        if (tellServer)
        {
            _owner.Enqueue(this);
        }
    }

    /// <summary>Hands the characters of an answer past those delivered already (a replay answers them again) to the reader.</summary>
    private void Deliver(string text)
    {
        var skip = (int)Math.Clamp(_delivered - _received, 0, text.Length);
        _received += text.Length;
        if (skip < text.Length)
        {
            var piece = skip == 0 ? text : text[skip..];
            _delivered += piece.Length;
            _text.Writer.TryWrite(piece);
        }
    }

    /// <summary>Ends the sequence (under the lock): the reader gets <paramref name="error"/> or the end, and the replay ids go.</summary>
    private void End(Exception? error)
    {
        _ended = true;
        _ids = [];
        if (_wireId is not null)
        {
            _session?.Sequences.TryRemove(_wireId, out _);
        }

        _text.Writer.TryComplete(error);
    }

    private bool MarkQueued()
    {
        if (_queued)
        {
            return false;
        }

        _queued = true;
        return true;
    }
}
