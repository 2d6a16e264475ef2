using System.Globalization;
using System.Net;

namespace KazGrpc.Hosting;

/// <summary>Parses <c>host:port</c> settings; <c>localhost</c> means the IPv4 loopback.</summary>
public static class EndpointAddress
{
    /// <summary>Parses <paramref name="value"/>, naming <paramref name="setting"/> in the error.</summary>
    public static IPEndPoint Parse(string value, string setting)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new InvalidOperationException($"{setting} must be host:port; got '{value}'");
        }

        var host = value[..colon].Trim('[', ']');
        var address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "0.0.0.0" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out var ip) => ip,
            _ => throw new InvalidOperationException($"{setting} must name an IP address, localhost or *; got '{host}'"),
        };
        return new IPEndPoint(address, port);
    }
}
