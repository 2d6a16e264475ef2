using Grpc.Core;
using Grpc.Core.Interceptors;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// The innermost interceptor: authenticates each call and admits it as its RPC (grant, concurrency
/// slot) before the service runs, unless the RPC is open (<see cref="AccessControl.IsOpen"/>). Its
/// refusals are domain errors, which <see cref="ErrorInterceptor"/> (outside it) maps to status
/// like any other: UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED with RetryInfo.
/// </summary>
public sealed class AccessInterceptor(AccessControl access) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, stream: false);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, stream: true);
        await continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, stream: true);
        return await continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context, stream: true);
        await continuation(requestStream, responseStream, context);
    }

    private async ValueTask AdmitAsync(ServerCallContext context, bool stream)
    {
        // The audit interceptor named the method already; naming it again would cost a string a call.
        var http = context.GetHttpContext();
        var scope = AccessControl.Of(http) ?? throw new InvalidOperationException($"{nameof(AuditInterceptor)} must run before {nameof(AccessInterceptor)}");
        if (access.IsOpen(scope.Operation))
        {
            return;
        }

        await access.AuthenticateAsync(scope, http);
        scope.Admit(scope.Operation, stream);
    }
}
