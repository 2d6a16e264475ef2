namespace KazGrpc.Hosting;

/// <summary>What a Kestrel endpoint of a KazGrpc host serves; an endpoint answers only its own kind of route.</summary>
public enum ListenerKind
{
    /// <summary>gRPC over HTTP/2 (<c>Hosting:GrpcAddress</c>; cleartext unless <c>Hosting:Tls</c> is set): the services, health, reflection.</summary>
    Grpc,

    /// <summary>The HTTP/1.1 API (<c>Hosting:HttpAddress</c>): JSON transcoding and the host's own HTTP routes.</summary>
    Http,

    /// <summary>Prometheus over HTTP/1.1 (<c>Hosting:MetricsAddress</c>): <c>/metrics</c>.</summary>
    Metrics,
}
