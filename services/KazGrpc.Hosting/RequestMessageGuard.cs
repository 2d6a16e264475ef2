using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

/// <summary>
/// The answers to request messages that cannot be read: a message that is not valid protobuf is
/// INTERNAL (gRPC's status-code guide: "error parsing request proto"), one whose declared length is
/// over the receive limit RESOURCE_EXHAUSTED. Each names the method and the reason; none is an error
/// of the server, so each is logged once at Debug.
/// </summary>
internal static class RequestMessageGuard
{
    /// <summary>
    /// Wraps <paramref name="marshaller"/> so that a message it cannot parse becomes INTERNAL naming
    /// <paramref name="method"/> and the reason instead of an exception that gRPC answers UNKNOWN.
    /// <paramref name="logger"/> is null where the read happens inside the call, whose interceptor logs it.
    /// </summary>
    public static Marshaller<T> Wrap<T>(Marshaller<T> marshaller, string method, ILogger? logger) =>
        new(marshaller.ContextualSerializer, context =>
        {
            try
            {
                return marshaller.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw Refuse(new Status(StatusCode.Internal, $"the request message of {method} is not valid protobuf: {ex.Message}"), method, logger);
            }
        });

    /// <summary>RESOURCE_EXHAUSTED for a frame whose declared length is over the limit.</summary>
    public static RpcException TooLarge(string method, long declared, int limit, ILogger? logger) =>
        Refuse(new Status(StatusCode.ResourceExhausted, $"the request message of {method} declares {declared} bytes; the limit is {limit}"), method, logger);

    /// <summary>INTERNAL for a frame that is not a gRPC message frame.</summary>
    public static RpcException Malformed(string method, string reason, ILogger? logger) =>
        Refuse(new Status(StatusCode.Internal, $"the request message of {method} is not a gRPC message: {reason}"), method, logger);

    /// <summary>True when the request of a call of <paramref name="type"/> is read before the interceptors run.</summary>
    public static bool ReadBeforeInterceptors(MethodType type) => type is MethodType.Unary or MethodType.ServerStreaming;

    private static RpcException Refuse(Status status, string method, ILogger? logger)
    {
        if (logger is not null)
        {
            HostingLog.MalformedRequest(logger, method, status.StatusCode, status.Detail);
        }

        return new RpcException(status);
    }
}
