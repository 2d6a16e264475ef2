using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// Many Tokenize requests over one long-lived TokenizeStream, matched to their answers by
/// request id. The stream opens on first use and again after it breaks; requests that were in
/// flight when it broke fail with UNAVAILABLE (they are idempotent, so the caller's retry policy
/// may send them again).
/// </summary>
/// <remarks>
/// <para>One request is one message: merging concurrent requests is the job of the layer above
/// (<see cref="TokenizeCoalescer"/>), so that its resilience pipeline runs once per message.</para>
/// <para>Writing. There is no writer task: the caller that finds no write under way writes, and
/// goes on writing what the others queued meanwhile (at most a few messages, then a thread-pool
/// item takes over). One reader task dispatches the answers.</para>
/// </remarks>
public sealed class TokenizeStreamMultiplexer : IAsyncDisposable
{
    private readonly TokenizerService.TokenizerServiceClient _client;
    private readonly int _maxInFlight;
    private readonly Lock _gate = new();
    private Session? _session;
    private long _nextId;
    private bool _disposed;

    /// <summary>Creates the multiplexer; nothing is opened until the first request.</summary>
    /// <param name="client">Client over the channel the stream uses; the caller disposes the channel.</param>
    /// <param name="maxInFlight">Requests that may be queued or awaiting answers before senders wait.</param>
    public TokenizeStreamMultiplexer(TokenizerService.TokenizerServiceClient client, int maxInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        _client = client;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Messages sent and not yet answered.</summary>
    public int InFlight => _session?.Pending.Count ?? 0;

    /// <summary>Messages written since the multiplexer was created.</summary>
    public long MessagesSent => Interlocked.Read(ref _nextId);

    /// <summary>
    /// Sends <paramref name="request"/> (under a request id of the stream's own; its request_id is
    /// kept for the answer) and returns the answer. An in-band error becomes an
    /// <see cref="RpcException"/> with the tokenizer's status and details. Cancelling forgets the
    /// request; its late answer is dropped.
    /// </summary>
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = GetSession();
        var call = new PendingCall(request);
        await session.Window.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var registration = cancellationToken.Register(
                static (state, token) => ((PendingCall)state!).TrySetCanceled(token), call).ConfigureAwait(false);
            session.Send(call);
            var response = await call.Task.ConfigureAwait(false);
            if (response.Error is { } error)
            {
                // RequestError is google.rpc.Status field for field: the details travel on as rich status.
                throw new Google.Rpc.Status { Code = error.Code, Message = error.Message, Details = { error.Details } }.ToRpcException();
            }

            return response;
        }
        finally
        {
            session.Window.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Session? session;
        lock (_gate)
        {
            _disposed = true;
            session = _session;
            _session = null;
        }

        if (session is not null)
        {
            await session.CloseAsync().ConfigureAwait(false);
        }
    }

    private Session GetSession()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { Broken: null } live)
            {
                return live;
            }

            // The stream and its reader outlive the request that opens them: they carry no trace of it.
            using (TraceContext.Suppress())
            {
                _session = new Session(_client.TokenizeStream(), this);
            }

            return _session;
        }
    }

    private void Forget(Session session)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
            }
        }
    }

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>One caller's request, waiting for its answer.</summary>
    private sealed class PendingCall(TokenizeRequest request)
        : TaskCompletionSource<TokenizeResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TokenizeRequest Request { get; } = request;
    }

    /// <summary>A message on the wire (the request under the stream's id) and the call it answers.</summary>
    private sealed record Message(TokenizeRequest Request, PendingCall Call);

    /// <summary>One open stream: its call, its queue of calls to write, and the messages awaiting answers.</summary>
    private sealed class Session
    {
        private const int MessagesPerTurn = 4;
        private readonly AsyncDuplexStreamingCall<TokenizeRequest, TokenizeResponse> _call;
        private readonly TokenizeStreamMultiplexer _owner;
        private readonly ConcurrentQueue<PendingCall> _queue = new();
        private readonly Task _reader;
        private int _writing;
        private Task _writer = Task.CompletedTask;

        public Session(AsyncDuplexStreamingCall<TokenizeRequest, TokenizeResponse> call, TokenizeStreamMultiplexer owner)
        {
            _call = call;
            _owner = owner;
            Window = new SemaphoreSlim(owner._maxInFlight, owner._maxInFlight);
            _reader = Task.Run(ReadAsync);
        }

        public SemaphoreSlim Window { get; }

        public ConcurrentDictionary<string, Message> Pending { get; } = new(StringComparer.Ordinal);

        public volatile RpcException? Broken;

        /// <summary>Queues <paramref name="call"/> and, when no write is under way, writes.</summary>
        public void Send(PendingCall call)
        {
            if (Broken is { } broken)
            {
                call.TrySetException(broken);
                return;
            }

            _queue.Enqueue(call);
            if (Broken is { } late)
            {
                // Failed between the check and the enqueue: its drain of the queue may have missed this call.
                while (_queue.TryDequeue(out var queued))
                {
                    queued.TrySetException(late);
                }

                return;
            }

            if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            {
                _writer = WriteAsync(MessagesPerTurn);
            }
        }

        public async Task CloseAsync()
        {
            Fail(new RpcException(new Status(StatusCode.Unavailable, "the tokenizer stream was closed")));
            _call.Dispose();
            await Task.WhenAll(_writer, _reader).ConfigureAwait(false);
        }

        /// <summary>Writes queued calls while holding the write turn (<c>_writing</c> is 1).</summary>
        private async Task WriteAsync(int turn)
        {
            try
            {
                while (true)
                {
                    while (TakeMessage() is { } message)
                    {
                        if (turn-- == 0)
                        {
                            // Hand the turn to the thread pool rather than keep this caller writing for others.
                            _ = Task.Run(() => WriteFromAsync(message));
                            return;
                        }

                        await WriteMessageAsync(message).ConfigureAwait(false);
                    }

                    Volatile.Write(ref _writing, 0);
                    if (_queue.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (IsStreamFailure(ex))
            {
                Fail(StreamError(ex));
            }
        }

        private async Task WriteFromAsync(Message first)
        {
            try
            {
                await WriteMessageAsync(first).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStreamFailure(ex))
            {
                Fail(StreamError(ex));
                return;
            }

            await WriteAsync(MessagesPerTurn).ConfigureAwait(false);
        }

        private async Task WriteMessageAsync(Message message)
        {
            Pending[message.Request.RequestId] = message;
            if (Broken is { } broken)
            {
                Complete(message, broken);
                return;
            }

            await _call.RequestStream.WriteAsync(message.Request).ConfigureAwait(false);
        }

        /// <summary>The next message: the oldest call still waiting, under a request id of the stream's own.</summary>
        private Message? TakeMessage()
        {
            PendingCall? call;
            do
            {
                if (!_queue.TryDequeue(out call))
                {
                    return null;
                }
            }
            while (call.Task.IsCompleted);

            var wire = call.Request.Clone();
            wire.RequestId = _owner.NextId();
            return new Message(wire, call);
        }


        private async Task ReadAsync()
        {
            try
            {
                await foreach (var response in _call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
                {
                    if (Pending.TryRemove(response.RequestId, out var message))
                    {
                        Answer(message, response);
                    }
                }

                Fail(new RpcException(new Status(StatusCode.Unavailable, "tokenizer-svc ended the TokenizeStream")));
            }
            catch (Exception ex) when (IsStreamFailure(ex))
            {
                Fail(StreamError(ex));
            }
        }

        private static void Answer(Message message, TokenizeResponse response)
        {
            response.RequestId = message.Call.Request.RequestId;
            message.Call.TrySetResult(response);
        }

        private static void Complete(Message message, RpcException error) => message.Call.TrySetException(error);

        private void Fail(RpcException error)
        {
            Broken ??= error;
            _owner.Forget(this);
            foreach (var id in Pending.Keys)
            {
                if (Pending.TryRemove(id, out var message))
                {
                    Complete(message, error);
                }
            }

            while (_queue.TryDequeue(out var call))
            {
                call.TrySetException(error);
            }
        }

        private static bool IsStreamFailure(Exception ex) =>
            ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException;

        /// <summary>
        /// What the requests in flight fail with when the stream ends: a status tokenizer-svc chose for
        /// the stream (e.g. RESOURCE_EXHAUSTED for a message over its size limit) as it is; anything
        /// else (the connection or stream broke, cancelled, reset) as UNAVAILABLE, which callers may retry.
        /// </summary>
        private static RpcException StreamError(Exception ex) => ex switch
        {
            RpcException { StatusCode: not (StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded) } rpc => rpc,
            _ => new RpcException(new Status(StatusCode.Unavailable, $"the tokenizer stream broke: {ex.Message}", ex)),
        };
    }
}
