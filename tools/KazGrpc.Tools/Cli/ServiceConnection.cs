using Grpc.Core;
using Grpc.Net.Client;
using KazGrpc.Client;

namespace KazGrpc.Tools.Cli;

/// <summary>
/// A channel to one service, over the SDK's TLS for an https:// address, whose calls carry the API key
/// when one is given (<see cref="ConnectionOptions.Open"/> makes it). Disposing closes the channel
/// and its TLS.
/// </summary>
internal sealed class ServiceConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly ClientTls? _tls;

    public ServiceConnection(ServiceAddress address, ClientTls? tls, string? apiKey)
    {
        _tls = tls;
        _channel = address.OpenChannel(tls?.Apply(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }));
        CallInvoker = ApiKeyCredential.Invoker(_channel, apiKey);
    }

    /// <summary>Calls to the service, each with the key in its headers.</summary>
    public CallInvoker CallInvoker { get; }

    public void Dispose()
    {
        _channel.Dispose();
        _tls?.Dispose();
    }
}
