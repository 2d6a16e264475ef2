using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using KazGrpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

/// <summary>
/// Maps every call's domain errors to gRPC status (through <see cref="StatusMapper"/>) and records
/// request metrics. Unexpected exceptions become INTERNAL with an error id that the log entry
/// carries too; no stack trace reaches the wire. A caller's cancel or deadline is logged at Debug.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger, ServerMetrics metrics, TimeProvider time) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = time.GetTimestamp();
        try
        {
            var response = await continuation(request, context);
            metrics.Completed(context.Method, StatusCode.OK, time.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, started);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await RunStream(context, () => continuation(request, responseStream, context));
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await RunStream(context, async () => response = await continuation(requestStream, context));
        return response;
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await RunStream(context, () => continuation(requestStream, responseStream, context));
    }

    private async Task RunStream(ServerCallContext context, Func<Task> body)
    {
        var started = time.GetTimestamp();
        metrics.StreamStarted(context.Method);
        try
        {
            await body();
            metrics.Completed(context.Method, StatusCode.OK, time.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            throw Fail(ex, context, started);
        }
        finally
        {
            metrics.StreamEnded(context.Method);
        }
    }

    private RpcException Fail(Exception exception, ServerCallContext context, long started)
    {
        RpcException result;
        // A reset request stream (IOException) is the caller leaving too, even before the token flips;
        // a protobuf parse error is an IOException as well, and not the caller leaving.
        if (exception is IOException and not Google.Protobuf.InvalidProtocolBufferException || (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            var code = context.Deadline <= time.GetUtcNow().UtcDateTime ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            HostingLog.CallerEnded(logger, context.Method, code);
            result = new RpcException(new Grpc.Core.Status(code, code == StatusCode.DeadlineExceeded ? "the caller's deadline passed" : "the caller cancelled the call"));
        }
        else if (exception is RpcException adapterStatus)
        {
            // A status an adapter chose itself (e.g. UNIMPLEMENTED for an RPC this version does not serve) goes out as it is.
            HostingLog.Rejected(logger, context.Method, adapterStatus.StatusCode, adapterStatus.Status.Detail);
            result = adapterStatus;
        }
        else
        {
            var errorId = StatusMapper.NewErrorId();
            var status = StatusMapper.ToStatus(exception, errorId);
            if (exception is ExecutionFailedException)
            {
                HostingLog.ExecutionFailed(logger, exception, context.Method, errorId);
            }
            else if (StatusMapper.IsExpected(exception))
            {
                HostingLog.Rejected(logger, context.Method, (StatusCode)status.Code, status.Message);
            }
            else
            {
                HostingLog.Unexpected(logger, exception, context.Method, errorId);
            }

            result = status.ToRpcException();
        }

        metrics.Completed(context.Method, result.StatusCode, time.GetElapsedTime(started));
        return result;
    }
}
