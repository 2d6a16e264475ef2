using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;

namespace KazGrpc.Hosting;

/// <summary>
/// Answers 404 when a route is reached through an endpoint that is not its own (see
/// <see cref="HostingExtensions.MapKazGrpcDefaults"/>): the HTTP API and <c>/metrics</c> are separate
/// ports so that each can be exposed, or not, on its own.
/// </summary>
internal sealed class ListenerGuard(RequestDelegate next, HostListeners listeners)
{
    public Task InvokeAsync(HttpContext context)
    {
        // A connection that came through none of the host's endpoints (an in-memory test server) is let through.
        if (context.GetEndpoint() is { } endpoint && Required(endpoint) is { } required
            && listeners.KindOf(context.Connection.LocalPort) is { } kind && kind != required)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static ListenerKind? Required(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<ListenerRequirement>() is { } requirement)
        {
            return requirement.Kind;
        }

        if (endpoint.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null)
        {
            return ListenerKind.Http;
        }

        return endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null ? ListenerKind.Grpc : null;
    }
}
