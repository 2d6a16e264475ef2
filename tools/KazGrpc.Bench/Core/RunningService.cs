using Grpc.Net.Client;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Core;

/// <summary>A server this benchmark started: its process, the one channel every caller shares (as a
/// client process would), and its metrics address when it has one. Disposing stops it.</summary>
internal sealed class RunningService(ServiceProcess process, Uri address, Uri? metrics) : IAsyncDisposable
{
    public ServiceProcess Process => process;

    public string Name => process.Name;

    public Uri Address => address;

    public Uri? Metrics => metrics;

    public GrpcChannel Channel { get; } = GrpcChannel.ForAddress(address);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await process.DisposeAsync();
    }
}
