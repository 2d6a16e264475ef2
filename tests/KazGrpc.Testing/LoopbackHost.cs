using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.Testing;

/// <summary>
/// A KazGrpc host (tokenizer-svc's or inference-svc's <c>Build</c>) running in this process on
/// Kestrel, on loopback ports the system picks (gRPC, HTTP API, metrics), with a channel to its
/// gRPC endpoint. Each has a meter of its own, so that its <c>/metrics</c> shows only its own
/// instruments. Disposing stops the host and closes the channel.
/// </summary>
public sealed class LoopbackHost : IAsyncDisposable
{
    private readonly HostListeners _listeners;

    private LoopbackHost(WebApplication app, Func<Uri, GrpcChannel>? openChannel)
    {
        App = app;
        _listeners = app.Services.GetRequiredService<HostListeners>();
        GrpcAddress = _listeners.Address(ListenerKind.Grpc)!;
        Channel = openChannel?.Invoke(GrpcAddress) ?? GrpcChannel.ForAddress(GrpcAddress);
    }

    /// <summary>The running host, e.g. to read its services.</summary>
    public WebApplication App { get; }

    /// <summary>The gRPC endpoint.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The Prometheus endpoint (<c>/metrics</c> under it); throws when the settings turned it off.</summary>
    public Uri MetricsAddress => _listeners.Address(ListenerKind.Metrics) ?? throw new InvalidOperationException("the host's metrics endpoint is off");

    /// <summary>The HTTP API endpoint (JSON transcoding and the host's own HTTP routes); throws when the settings turned it off.</summary>
    public Uri HttpAddress => _listeners.Address(ListenerKind.Http) ?? throw new InvalidOperationException("the host's HTTP API endpoint is off");

    /// <summary>A channel to <see cref="GrpcAddress"/>, closed on dispose.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// Builds a host with <paramref name="build"/> from the loopback addresses, a meter name of its
    /// own and <paramref name="settings"/> (<c>--Section:Key=value</c>, which may override them), and
    /// starts it. It is listening on return; it may not be SERVING yet (see <see cref="WaitForHealthAsync"/>).
    /// <paramref name="openChannel"/> opens <see cref="Channel"/>, for a host whose settings turn TLS on;
    /// a cleartext channel by default.
    /// </summary>
    public static async Task<LoopbackHost> StartAsync(
        Func<string[], WebApplication> build, IEnumerable<string> settings, CancellationToken cancellationToken, Func<Uri, GrpcChannel>? openChannel = null)
    {
        var app = build(
        [
            "--Hosting:GrpcAddress=127.0.0.1:0",
            "--Hosting:MetricsAddress=127.0.0.1:0",
            "--Hosting:HttpAddress=127.0.0.1:0",
            $"--Hosting:MeterName=KazGrpc.test.{Guid.NewGuid():N}",
            .. settings,
        ]);
        try
        {
            await app.StartAsync(cancellationToken);
            return new LoopbackHost(app, openChannel);
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
