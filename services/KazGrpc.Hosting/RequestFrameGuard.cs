using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Hosting;

/// <summary>
/// Reads the body of every gRPC call through a <see cref="RequestFrameReader"/>, so that a message
/// declaring more than <see cref="HostingOptions.MaxReceiveMessageBytes"/> is answered
/// RESOURCE_EXHAUSTED, whatever its length, before any of it is read, and a frame that is not a gRPC
/// message (compressed flag the call cannot have, body ending inside a message) INTERNAL.
/// </summary>
internal sealed class RequestFrameGuard(RequestDelegate next, IOptions<HostingOptions> options, ILogger<ErrorInterceptor> logger)
{
    private readonly int _limit = options.Value.MaxReceiveMessageBytes;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
            && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            var method = grpc.Method.FullName;

            // Where the request is read inside the call, the interceptor logs the refusal.
            var single = RequestMessageGuard.ReadBeforeInterceptors(grpc.Method.Type);
            var log = single ? logger : null;
            var encoding = context.Request.Headers["grpc-encoding"].ToString();
            var compressed = encoding.Length > 0 && encoding != "identity";
            context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new RequestFrameReader(
                body.Reader, _limit, compressed, single, length => RequestMessageGuard.TooLarge(method, length, _limit, log), reason => RequestMessageGuard.Malformed(method, reason, log))));
        }

        return next(context);
    }

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
