using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench.Tokenize;

/// <summary>
/// One TokenizeStream shared by many callers: each call writes its request with a fresh
/// <c>request_id</c> and waits for the answer that carries it (answers come in any order), so the
/// callers of a load are the requests in flight. Disposing completes the stream.
/// </summary>
internal sealed class TokenizeStreamCaller : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<TokenizeRequest, TokenizeResponse> _call;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TokenizeResponse>> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Task _reader;
    private long _next;

    public TokenizeStreamCaller(TokenizerService.TokenizerServiceClient client, CancellationToken cancellationToken)
    {
        _call = client.TokenizeStream(cancellationToken: cancellationToken);
        _reader = ReadAsync(cancellationToken);
    }

    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        request.RequestId = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<TokenizeResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.RequestId] = answer;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await _call.RequestStream.WriteAsync(request, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }

        return await answer.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _call.RequestStream.CompleteAsync();
        await _reader;
        _call.Dispose();
        _writer.Dispose();
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        Exception failure = new InvalidOperationException("TokenizeStream ended with requests unanswered");
        try
        {
            await foreach (var response in _call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (!_pending.TryRemove(response.RequestId, out var answer))
                {
                    throw new InvalidOperationException($"TokenizeStream answered request_id '{response.RequestId}', which is not in flight");
                }

                answer.SetResult(response);
            }
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException)
        {
            failure = ex;
        }

        foreach (var answer in _pending.Values)
        {
            answer.TrySetException(failure);
        }
    }
}
