using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// The outermost interceptor: begins each call's <see cref="CallerScope"/> and ends it with the
/// status the caller got, so that the audit line records what <see cref="ErrorInterceptor"/> (inside
/// it) made of the call's errors. The request id is the message's <c>request_id</c> field when it has one.
/// </summary>
public sealed class AuditInterceptor(AccessControl access) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var scope = Begin(context, RequestIdOf(request));
        var status = StatusCode.Unknown;
        try
        {
            var response = await continuation(request, context);
            status = StatusCode.OK;
            return response;
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        finally
        {
            access.End(scope, status);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        await RunAsync(Begin(context, RequestIdOf(request)), () => continuation(request, responseStream, context));

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await RunAsync(Begin(context, null), async () => response = await continuation(requestStream, context));
        return response;
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        await RunAsync(Begin(context, null), () => continuation(requestStream, responseStream, context));

    /// <summary>The method's name as grants and audit lines spell it: <c>package.Service/Method</c>.</summary>
    internal static string MethodName(ServerCallContext context) => context.Method.TrimStart('/');

    private async Task RunAsync(CallerScope scope, Func<Task> body)
    {
        var status = StatusCode.Unknown;
        try
        {
            await body();
            status = StatusCode.OK;
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        finally
        {
            access.End(scope, status);
        }
    }

    private CallerScope Begin(ServerCallContext context, string? requestId)
    {
        var http = context.GetHttpContext();
        var transport = http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true ? "grpc" : "http";
        return access.Begin(http, MethodName(context), transport, requestId);
    }

    private static string? RequestIdOf<TRequest>(TRequest request) =>
        RequestIdField<TRequest>.Accessor is { } accessor && request is IMessage message ? (string)accessor.GetValue(message) : null;

    // Looked up once per message type: a lookup by name builds the field's full name each time.
    private static class RequestIdField<TRequest>
    {
        public static readonly IFieldAccessor? Accessor =
            typeof(IMessage).IsAssignableFrom(typeof(TRequest))
            && typeof(TRequest).GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            && descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String } field
                ? field.Accessor
                : null;
    }
}
