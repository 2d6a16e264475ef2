using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.Client;

/// <summary>
/// A service's address as configured: one <c>http(s)://host:port</c>, several separated by commas
/// (a static resolver with round-robin over them), or a <c>dns:///name:port</c> target
/// (round-robin over every record).
/// </summary>
internal sealed class ClientTarget
{
    private ClientTarget(Uri target, IReadOnlyList<Uri> addresses)
    {
        Target = target;
        Addresses = addresses;
    }

    /// <summary>The channel's target: the one address, <c>static:///kazgrpc</c>, or the dns target.</summary>
    public Uri Target { get; }

    /// <summary>The addresses of a static target; empty otherwise.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>Whether the channel speaks TLS when TLS is configured: https addresses, and dns targets.</summary>
    public bool UsesTls => Target.Scheme is "https" or "dns" || (Addresses.Count > 0 && Addresses[0].Scheme == Uri.UriSchemeHttps);

    /// <summary>Parses <paramref name="value"/>; <paramref name="setting"/> names it in the error.</summary>
    /// <exception cref="InvalidOperationException">An address is neither http(s)://host:port nor dns:///name:port, or mixes schemes.</exception>
    public static ClientTarget Parse(string value, string setting)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && parts[0].StartsWith("dns:", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(parts[0], UriKind.Absolute, out var dns)
                ? new ClientTarget(dns, [])
                : throw new InvalidOperationException($"{setting}: '{parts[0]}' is not a dns:///name:port target");
        }

        var addresses = new List<Uri>();
        foreach (var part in parts)
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"{setting}: '{part}' is not http(s)://host:port (several are separated by commas; dns:///name:port resolves one name)");
            }

            addresses.Add(uri);
        }

        if (addresses.Count == 0)
        {
            throw new InvalidOperationException($"{setting} is empty");
        }

        if (addresses.Select(a => a.Scheme).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new InvalidOperationException($"{setting}: the addresses mix http and https");
        }

        return addresses.Count == 1 ? new ClientTarget(addresses[0], []) : new ClientTarget(new Uri("static:///kazgrpc"), addresses);
    }

    /// <summary>A channel to this target whose service config carries <paramref name="serviceConfig"/>'s retry
    /// policies and round-robin that steps around replicas it cannot connect to; its new connections take
    /// TLS from <paramref name="tls"/> when given. <paramref name="time"/> times how long a replica is left out.</summary>
    public GrpcChannel CreateChannel(ServiceConfig serviceConfig, ClientTls? tls = null, TimeProvider? time = null)
    {
        serviceConfig.LoadBalancingConfigs.Add(FailoverRoundRobinBalancerFactory.Config);
        var services = new ServiceCollection()
            .AddSingleton<LoadBalancerFactory>(new FailoverRoundRobinBalancerFactory(time ?? TimeProvider.System));
        var options = new GrpcChannelOptions { ServiceConfig = serviceConfig };
        if (Target.Scheme == "dns")
        {
            // grpc-dotnet resolves dns targets itself; the scheme says nothing of TLS, so configured TLS settings do.
            options.Credentials = tls is null ? ChannelCredentials.Insecure : ChannelCredentials.SecureSsl;
        }
        else if (Target.Scheme == "static")
        {
            options.Credentials = Addresses[0].Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
            var balancerAddresses = Addresses.Select(a => new BalancerAddress(a.Host, a.Port)).ToArray();
            services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => balancerAddresses));
        }

        options.ServiceProvider = services.BuildServiceProvider();

        if (tls is not null)
        {
            // The handler grpc-dotnet would create, plus the TLS callbacks.
            options.HttpHandler = tls.Apply(new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            });
        }

        return GrpcChannel.ForAddress(Target, options);
    }
}
