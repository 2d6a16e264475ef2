using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Core;

/// <summary>A server this benchmark started: its process, the one channel every caller shares (as a
/// client process would), and its metrics address when it has one. Disposing stops it.</summary>
/// <param name="process">Its process.</param>
/// <param name="address">Its gRPC address.</param>
/// <param name="metrics">Its metrics address; null when it has none.</param>
/// <param name="apiKey">The key every call carries (<c>--auth</c>); null for none.</param>
internal sealed class RunningService(ServiceProcess process, Uri address, Uri? metrics, string? apiKey) : IAsyncDisposable
{
    public ServiceProcess Process => process;

    public string Name => process.Name;

    public Uri Address => address;

    public Uri? Metrics => metrics;

    public GrpcChannel Channel { get; } = GrpcChannel.ForAddress(address);

    /// <summary>The calls of <see cref="Channel"/>, each with the run's API key when it has one.</summary>
    public CallInvoker Invoker => WithKey(Channel, apiKey);

    /// <summary>The calls of <paramref name="channel"/>, each with <paramref name="apiKey"/> as a bearer token when given.</summary>
    public static CallInvoker WithKey(GrpcChannel channel, string? apiKey)
    {
        if (apiKey is null)
        {
            return channel.CreateCallInvoker();
        }

        var header = $"Bearer {apiKey}";
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", header);
            return metadata;
        });
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await process.DisposeAsync();
    }
}
