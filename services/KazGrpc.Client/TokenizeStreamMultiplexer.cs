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
/// <para>Coalescing. Requests that wait for the stream together and ask the same thing of the same
/// tokenizer (every field but the texts and the request id equal) go as one message whose texts are
/// theirs in order, up to <see cref="MultiplexerLimits.MaxTextsPerMessage"/> texts and
/// <see cref="MultiplexerLimits.MaxBytesPerMessage"/> bytes of text; the answer's results are split
/// back. Nothing waits to be merged: a request that finds the stream idle is written at once, and
/// only those that arrive while a write is under way share the next message. If a merged message is
/// answered with an error, each of its requests is sent again on its own, so that one bad text
/// fails only its own request.</para>
/// <para>Writing. There is no writer task: the caller that finds no write under way writes, and
/// goes on writing what the others queued meanwhile (at most a few messages, then a thread-pool
/// item takes over). One reader task dispatches the answers.</para>
/// </remarks>
public sealed class TokenizeStreamMultiplexer : IAsyncDisposable
{
    private readonly TokenizerService.TokenizerServiceClient _client;
    private readonly MultiplexerLimits _limits;
    private readonly Lock _gate = new();
    private Session? _session;
    private long _nextId;
    private bool _disposed;

    /// <summary>Creates the multiplexer; nothing is opened until the first request.</summary>
    /// <param name="client">Client over the channel the stream uses; the caller disposes the channel.</param>
    /// <param name="limits">Requests in flight and the size of merged messages.</param>
    public TokenizeStreamMultiplexer(TokenizerService.TokenizerServiceClient client, MultiplexerLimits limits)
    {
        limits.Validate();
        _client = client;
        _limits = limits;
    }

    /// <summary>Messages sent and not yet answered.</summary>
    public int InFlight => _session?.Pending.Count ?? 0;

    /// <summary>Messages written since the multiplexer was created (a merged message counts once).</summary>
    public long MessagesSent => Interlocked.Read(ref _nextId);

    /// <summary>
    /// Sends <paramref name="request"/> (possibly merged with others; its request_id is kept for
    /// the answer only) and returns the answer. An in-band error becomes an
    /// <see cref="RpcException"/> with the tokenizer's status and details. Cancelling forgets the
    /// request; its late answer is dropped.
    /// </summary>
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = GetSession();
        var call = new PendingCall(request, TokenizeMerging.TextBytes(request));
        await session.Window.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var registration = cancellationToken.Register(
                static (state, token) => ((PendingCall)state!).TrySetCanceled(token), call).ConfigureAwait(false);
            session.Send(call);
            var response = await call.Task.ConfigureAwait(false);
            if (response.Error is { } error)
            {
                throw error.ToRpcException();
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

            _session = new Session(_client.TokenizeStream(), this);
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

    /// <summary>One caller's request, waiting for its share of an answer.</summary>
    private sealed class PendingCall(TokenizeRequest request, long textBytes)
        : TaskCompletionSource<TokenizeResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TokenizeRequest Request { get; } = request;

        public long TextBytes { get; } = textBytes;

        /// <summary>Set when a merged message failed: the request goes again, alone.</summary>
        public bool Alone { get; set; }
    }

    /// <summary>A message on the wire and the calls whose texts it carries, in order.</summary>
    private sealed record Message(TokenizeRequest Request, PendingCall[] Calls);

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
            Window = new SemaphoreSlim(owner._limits.MaxInFlight, owner._limits.MaxInFlight);
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
                    if (!Pending.IsEmpty && _owner._limits.MaxTextsPerMessage > 1)
                    {
                        // Under load (answers outstanding), let the calls that are about to be sent
                        // reach the queue first, so that they share this message. (Without merging
                        // there is nothing to wait for.)
                        await Task.Yield();
                    }

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
                Fail(ToUnavailable(ex));
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
                Fail(ToUnavailable(ex));
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

        /// <summary>The next message: the oldest live call and those after it that can share its message.</summary>
        private Message? TakeMessage()
        {
            PendingCall? first;
            do
            {
                if (!_queue.TryDequeue(out first))
                {
                    return null;
                }
            }
            while (first.Task.IsCompleted);

            var merged = first.Request.Clone();
            merged.RequestId = _owner.NextId();
            var calls = new List<PendingCall> { first };
            var texts = first.Request.Texts.Count;
            var bytes = first.TextBytes;
            while (!first.Alone && _queue.TryPeek(out var next) && CanJoin(first, next, texts, bytes) && _queue.TryDequeue(out next))
            {
                if (next.Task.IsCompleted)
                {
                    continue;
                }

                merged.Texts.Add(next.Request.Texts);
                calls.Add(next);
                texts += next.Request.Texts.Count;
                bytes += next.TextBytes;
            }

            return new Message(merged, [.. calls]);
        }

        /// <summary>
        /// Whether <paramref name="next"/> may join a message that starts with <paramref name="first"/>
        /// and has <paramref name="texts"/> texts of <paramref name="bytes"/> bytes so far: it asks the
        /// same of the same tokenizer and the message stays in its limits.
        /// </summary>
        private bool CanJoin(PendingCall first, PendingCall next, int texts, long bytes)
        {
            var limits = _owner._limits;
            return !next.Alone
                && TokenizeMerging.Fits(texts, bytes, next.Request.Texts.Count, next.TextBytes, limits.MaxTextsPerMessage, limits.MaxBytesPerMessage)
                && TokenizeMerging.AskSame(first.Request, next.Request);
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
                Fail(ToUnavailable(ex));
            }
        }

        private void Answer(Message message, TokenizeResponse response)
        {
            var calls = message.Calls;
            if (calls.Length == 1)
            {
                response.RequestId = calls[0].Request.RequestId;
                calls[0].TrySetResult(response);
                return;
            }

            if (response.Error is not null)
            {
                // Which text was at fault is not known: each request goes again, on its own.
                foreach (var call in calls)
                {
                    call.Alone = true;
                    Send(call);
                }

                return;
            }

            TokenizeResponse[] shares;
            try
            {
                shares = TokenizeMerging.Split(response, [.. calls.Select(c => c.Request)]);
            }
            catch (RpcException ex)
            {
                Complete(message, ex);
                return;
            }

            for (var i = 0; i < calls.Length; i++)
            {
                calls[i].TrySetResult(shares[i]);
            }
        }

        private static void Complete(Message message, RpcException error)
        {
            foreach (var call in message.Calls)
            {
                call.TrySetException(error);
            }
        }

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

        private static RpcException ToUnavailable(Exception ex) => ex is RpcException { StatusCode: StatusCode.Unavailable } rpc
            ? rpc
            : new RpcException(new Status(StatusCode.Unavailable, $"the tokenizer stream broke: {ex.Message}", ex));
    }
}
