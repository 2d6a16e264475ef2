namespace KazGrpc.Hosting;

/// <summary>A host's default addresses (<c>host:port</c>), used where configuration sets none; an
/// empty address turns its endpoint off.</summary>
/// <param name="Grpc">gRPC over HTTP/2 (<c>Hosting:GrpcAddress</c>; cleartext unless <c>Hosting:Tls</c> is set).</param>
/// <param name="Http">The HTTP/1.1 API (<c>Hosting:HttpAddress</c>).</param>
/// <param name="Metrics">Prometheus over HTTP/1.1 (<c>Hosting:MetricsAddress</c>).</param>
public sealed record HostAddresses(string Grpc, string Http, string Metrics);
