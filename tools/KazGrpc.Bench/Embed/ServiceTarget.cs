using Grpc.Net.Client;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// A service the benchmark calls: its gRPC channel (one, shared by every caller, as a client
/// process would), its metrics address when known, and the process when this benchmark started it.
/// Disposing closes the channel and stops the process.
/// </summary>
internal sealed class ServiceTarget : IAsyncDisposable
{
    /// <summary>Wraps a service at <paramref name="address"/>.</summary>
    public ServiceTarget(string name, Uri address, Uri? metrics, ServiceProcess? process)
    {
        Name = name;
        Address = address;
        Metrics = metrics;
        Process = process;
        Channel = GrpcChannel.ForAddress(address);
    }

    /// <summary>What it is, for messages and reports.</summary>
    public string Name { get; }

    /// <summary>The gRPC address.</summary>
    public Uri Address { get; }

    /// <summary>The Prometheus address, or null.</summary>
    public Uri? Metrics { get; }

    /// <summary>The process, when this benchmark started it.</summary>
    public ServiceProcess? Process { get; }

    /// <summary>The channel every caller shares.</summary>
    public GrpcChannel Channel { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }
    }
}
