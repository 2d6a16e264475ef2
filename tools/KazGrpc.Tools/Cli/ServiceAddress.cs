using System.Diagnostics.CodeAnalysis;
using Grpc.Net.Client;

namespace KazGrpc.Tools.Cli;

/// <summary>A service's gRPC address as the user gave it: <c>host:port</c> or <c>http(s)://host:port</c>.</summary>
internal sealed class ServiceAddress
{
    // Embed answers and long token lists can pass gRPC's 4 MiB default; the services send up to 16 MiB.
    private const int MaxReceiveMessageBytes = 64 * 1024 * 1024;

    private ServiceAddress(string text, Uri uri, string? source)
    {
        Text = text;
        Uri = uri;
        Source = source;
    }

    /// <summary>The address as given, for messages.</summary>
    public string Text { get; }

    /// <summary>The address with its scheme (<c>http</c> when none was given).</summary>
    public Uri Uri { get; }

    /// <summary>What gave the address, for messages (an option, an argument or a variable); null for the default.</summary>
    public string? Source { get; }

    /// <summary>Whether calls go over TLS: an <c>https://</c> address. A bare <c>host:port</c> is cleartext.</summary>
    public bool UsesTls => Uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// Reads <paramref name="text"/>; a bare <c>host:port</c> must name its port, a URI must be
    /// http or https without a path. <paramref name="source"/> says what gave it (null: the default).
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ServiceAddress? address, string? source = null)
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

        address = new ServiceAddress(text, uri, source);
        return true;
    }

    /// <summary>The address and what gave it: <c>--inference 'http://10.0.0.5:50051'</c>, <c>the default address '127.0.0.1:50051'</c>.</summary>
    public string Describe() => Source is null ? $"the default address '{Text}'" : $"{Source} '{Text}'";

    /// <summary>A channel to the service over <paramref name="handler"/> (grpc-dotnet's own when null); the caller disposes it, and it disposes the handler.</summary>
    public GrpcChannel OpenChannel(HttpMessageHandler? handler = null) => GrpcChannel.ForAddress(Uri, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = MaxReceiveMessageBytes,
        HttpHandler = handler,
        DisposeHttpClient = handler is not null,
    });

    public override string ToString() => Text;
}
