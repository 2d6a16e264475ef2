using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KazGrpc.Hosting;

/// <summary>
/// The Kestrel endpoints of one host by kind. Kestrel writes the bound port into each endpoint's
/// options when it binds, so once the host has started <see cref="Address"/> gives the real
/// address even for port 0, and a request's local port tells which endpoint it came through.
/// </summary>
public sealed class HostListeners
{
    private readonly List<(ListenerKind Kind, ListenOptions Options, bool Secure)> _listeners = [];

    /// <summary>The address of the endpoint of <paramref name="kind"/> (<c>http://ip:port</c>, or
    /// <c>https://</c> when it uses TLS), null when the host has none. Valid once the host has started.</summary>
    public Uri? Address(ListenerKind kind)
    {
        foreach (var (listenerKind, options, secure) in _listeners)
        {
            if (listenerKind == kind)
            {
                var endpoint = options.IPEndPoint!;
                var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address;
                return new Uri($"{(secure ? "https" : "http")}://{new IPEndPoint(host, endpoint.Port)}");
            }
        }

        return null;
    }

    /// <summary>The kind of the endpoint that listens on <paramref name="localPort"/>; null for none.</summary>
    public ListenerKind? KindOf(int localPort)
    {
        foreach (var (kind, options, _) in _listeners)
        {
            if (options.IPEndPoint?.Port == localPort)
            {
                return kind;
            }
        }

        return null;
    }

    internal void Add(ListenerKind kind, ListenOptions options, bool secure) => _listeners.Add((kind, options, secure));
}
