namespace KazGrpc.Hosting;

/// <summary>Endpoint metadata: the route answers only on the host's endpoint of <see cref="Kind"/>
/// (see <see cref="HostingExtensions.RequireListener{TBuilder}"/>).</summary>
/// <param name="Kind">The endpoint kind the route belongs to.</param>
public sealed record ListenerRequirement(ListenerKind Kind);
