using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// Many Tokenize requests over one long-lived TokenizeStream, matched to their answers by
/// request id. The stream opens on first use and again after it breaks; requests that were in
/// flight when it broke fail with UNAVAILABLE (they are idempotent, so the caller's retry policy
/// may send them again). One writer task owns the request stream; one reader task dispatches answers.
/// </summary>
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
    /// <param name="maxInFlight">Requests in flight before senders wait.</param>
    public TokenizeStreamMultiplexer(TokenizerService.TokenizerServiceClient client, int maxInFlight)
    {
        _client = client;
        _maxInFlight = maxInFlight;
    }

    /// <summary>Requests sent and not yet answered.</summary>
    public int InFlight => _session?.Pending.Count ?? 0;

    /// <summary>
    /// Sends <paramref name="request"/> (its request_id is replaced by the multiplexer's own) and
    /// returns the answer. An in-band error becomes an <see cref="RpcException"/> with the
    /// tokenizer's status and details. Cancelling forgets the request; its late answer is dropped.
    /// </summary>
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        var session = GetSession();
        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var outgoing = request.Clone();
        outgoing.RequestId = id;
        var answer = new TaskCompletionSource<TokenizeResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Pending[id] = answer;
        await using var registration = cancellationToken.Register(() =>
        {
            session.Pending.TryRemove(id, out _);
            answer.TrySetCanceled(cancellationToken);
        });
        if (session.Broken is { } broken)
        {
            session.Pending.TryRemove(id, out _);
            throw broken;
        }

        try
        {
            await session.Outgoing.Writer.WriteAsync(outgoing, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            session.Pending.TryRemove(id, out _);
            throw session.Broken ?? new RpcException(new Status(StatusCode.Unavailable, "the tokenizer stream was closed"));
        }

        var response = await answer.Task.ConfigureAwait(false);
        if (response.Error is { } error)
        {
            throw error.ToRpcException();
        }

        response.RequestId = request.RequestId;
        return response;
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

            _session = new Session(_client.TokenizeStream(), _maxInFlight, this);
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

    /// <summary>One open stream: its call, its outgoing queue, and the requests awaiting answers.</summary>
    private sealed class Session
    {
        private readonly AsyncDuplexStreamingCall<TokenizeRequest, TokenizeResponse> _call;
        private readonly TokenizeStreamMultiplexer _owner;
        private readonly Task _writer;
        private readonly Task _reader;

        public Session(AsyncDuplexStreamingCall<TokenizeRequest, TokenizeResponse> call, int maxInFlight, TokenizeStreamMultiplexer owner)
        {
            _call = call;
            _owner = owner;
            Outgoing = Channel.CreateBounded<TokenizeRequest>(new BoundedChannelOptions(maxInFlight) { SingleReader = true });
            _writer = Task.Run(WriteAsync);
            _reader = Task.Run(ReadAsync);
        }

        public Channel<TokenizeRequest> Outgoing { get; }

        public ConcurrentDictionary<string, TaskCompletionSource<TokenizeResponse>> Pending { get; } = new(StringComparer.Ordinal);

        public volatile RpcException? Broken;

        public async Task CloseAsync()
        {
            Outgoing.Writer.TryComplete();
            Fail(new RpcException(new Status(StatusCode.Unavailable, "the tokenizer stream was closed")));
            _call.Dispose();
            await Task.WhenAll(_writer, _reader).ConfigureAwait(false);
        }

        private async Task WriteAsync()
        {
            try
            {
                await foreach (var request in Outgoing.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    await _call.RequestStream.WriteAsync(request).ConfigureAwait(false);
                }

                await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                Fail(ToUnavailable(ex));
            }
        }

        private async Task ReadAsync()
        {
            try
            {
                await foreach (var response in _call.ResponseStream.ReadAllAsync().ConfigureAwait(false))
                {
                    if (Pending.TryRemove(response.RequestId, out var answer))
                    {
                        answer.TrySetResult(response);
                    }
                }

                Fail(new RpcException(new Status(StatusCode.Unavailable, "tokenizer-svc ended the TokenizeStream")));
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                Fail(ToUnavailable(ex));
            }
        }

        private void Fail(RpcException error)
        {
            Broken ??= error;
            _owner.Forget(this);
            Outgoing.Writer.TryComplete();
            foreach (var id in Pending.Keys)
            {
                if (Pending.TryRemove(id, out var answer))
                {
                    answer.TrySetException(error);
                }
            }
        }

        private static RpcException ToUnavailable(Exception ex) => ex is RpcException { StatusCode: StatusCode.Unavailable } rpc
            ? rpc
            : new RpcException(new Status(StatusCode.Unavailable, $"the tokenizer stream broke: {ex.Message}", ex));
    }
}
