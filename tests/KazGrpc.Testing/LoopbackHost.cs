using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.Testing;

/// <summary>
/// A KazGrpc host (tokenizer-svc's or inference-svc's <c>Build</c>) running in this process on
/// Kestrel, on loopback ports the system picks, with a channel to its gRPC endpoint. Each has a
/// meter of its own, so that its <c>/metrics</c> shows only its own instruments. Disposing stops
/// the host and closes the channel.
/// </summary>
public sealed class LoopbackHost : IAsyncDisposable
{
    private LoopbackHost(WebApplication app, Uri grpcAddress, Uri metricsAddress)
    {
        App = app;
        GrpcAddress = grpcAddress;
        MetricsAddress = metricsAddress;
        Channel = GrpcChannel.ForAddress(grpcAddress);
    }

    /// <summary>The running host, e.g. to read its services.</summary>
    public WebApplication App { get; }

    /// <summary>The gRPC endpoint.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The Prometheus endpoint (<c>/metrics</c> under it).</summary>
    public Uri MetricsAddress { get; }

    /// <summary>A channel to <see cref="GrpcAddress"/>, closed on dispose.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// Builds a host with <paramref name="build"/> from the loopback addresses, a meter name of its
    /// own and <paramref name="settings"/> (<c>--Section:Key=value</c>, which may override them), and
    /// starts it. It is listening on return; it may not be SERVING yet (see <see cref="WaitForHealthAsync"/>).
    /// </summary>
    public static async Task<LoopbackHost> StartAsync(Func<string[], WebApplication> build, IEnumerable<string> settings, CancellationToken cancellationToken)
    {
        var app = build(
        [
            "--Hosting:GrpcAddress=127.0.0.1:0",
            "--Hosting:MetricsAddress=127.0.0.1:0",
            $"--Hosting:MeterName=KazGrpc.test.{Guid.NewGuid():N}",
            .. settings,
        ]);
        try
        {
            await app.StartAsync(cancellationToken);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
            return new LoopbackHost(app, addresses[0], addresses[1]);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until the host's overall health is <paramref name="status"/>; throws
    /// <see cref="TimeoutException"/> naming the last status when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var health = new Health.HealthClient(Channel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var last = HealthCheckResponse.Types.ServingStatus.Unknown;
        try
        {
            while ((last = (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: limit.Token)).Status) != status)
            {
                await Task.Delay(50, limit.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the host at {GrpcAddress} still reported {last}, not {status}, after {timeout.TotalSeconds:F0} s", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
