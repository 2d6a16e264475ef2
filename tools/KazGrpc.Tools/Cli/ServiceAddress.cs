using System.Diagnostics.CodeAnalysis;
using Grpc.Net.Client;

namespace KazGrpc.Tools.Cli;

/// <summary>A service's gRPC address as the user gave it: <c>host:port</c> or <c>http(s)://host:port</c>.</summary>
internal sealed class ServiceAddress
{
    // Embed answers and long token lists can pass gRPC's 4 MiB default; the services send up to 16 MiB.
    private const int MaxReceiveMessageBytes = 64 * 1024 * 1024;

    private ServiceAddress(string text, Uri uri)
    {
        Text = text;
        Uri = uri;
    }

    /// <summary>The address as given, for messages.</summary>
    public string Text { get; }

    /// <summary>The address with its scheme (<c>http</c> when none was given).</summary>
    public Uri Uri { get; }

    /// <summary>
    /// Reads <paramref name="text"/>; a bare <c>host:port</c> must name its port, a URI must be
    /// http or https without a path.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ServiceAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var bare = !text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(bare ? "http://" + text : text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || (bare && !text.EndsWith(FormattableString.Invariant($":{uri.Port}"), StringComparison.Ordinal)))
        {
            return false;
        }

        address = new ServiceAddress(text, uri);
        return true;
    }

    /// <summary>A channel to the service; the caller disposes it.</summary>
    public GrpcChannel OpenChannel() => GrpcChannel.ForAddress(Uri, new GrpcChannelOptions { MaxReceiveMessageSize = MaxReceiveMessageBytes });

    public override string ToString() => Text;
}
