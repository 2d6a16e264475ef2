using System.Collections.Concurrent;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
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
    private readonly ILogger _logger = logger;

    // One per method, made at its first call: the reader's refusals would otherwise be three allocations a call.
    private readonly ConcurrentDictionary<IMethod, Refusals> _refusals = new();

    public Task InvokeAsync(HttpContext context)
    {
        // A transcoded call's body is JSON, not gRPC frames.
        if (context.GetEndpoint()?.Metadata is { } metadata
            && metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
            && metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is null
            && context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            var refusals = _refusals.GetOrAdd(grpc.Method, static (method, guard) => new Refusals(method, guard._limit, guard._logger), this);
            var encoding = context.Request.Headers["grpc-encoding"].ToString();
            var compressed = encoding.Length > 0 && encoding != "identity";
            context.Features.Set<IRequestBodyPipeFeature>(new GuardedBody(new RequestFrameReader(
                body.Reader, _limit, compressed, refusals.Single, refusals.TooLarge, refusals.Malformed)));
        }

        return next(context);
    }

    private sealed class GuardedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    private sealed class Refusals
    {
        public Refusals(IMethod method, int limit, ILogger logger)
        {
            var name = method.FullName;
            Single = RequestMessageGuard.ReadBeforeInterceptors(method.Type);

            // Where the request is read inside the call, the interceptor logs the refusal.
            var log = Single ? logger : null;
            TooLarge = length => RequestMessageGuard.TooLarge(name, length, limit, log);
            Malformed = reason => RequestMessageGuard.Malformed(name, reason, log);
        }

        public bool Single { get; }

        public Func<long, Exception> TooLarge { get; }

        public Func<string, Exception> Malformed { get; }
    }
}
